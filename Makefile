# vc: a terminal console for network engineers. `make help` lists targets.

GO      ?= go
BIN     ?= bin/vc
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
PREFIX  ?= /usr/local
STATICCHECK_VERSION ?= v0.8.2
DEMO_HOME ?= $(CURDIR)/.demo

.PHONY: help build test test-race lint fmt bench demo install clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-10s %s\n", $$1, $$2}'

build: ## build bin/vc
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/vc

test: ## run every test (unit, script, lab, real clients where installed)
	$(GO) test -count=1 ./...

test-race: ## run the tests under the race detector
	$(GO) test -count=1 -race ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...
	@command -v staticcheck >/dev/null 2>&1 || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" staticcheck ./...

bench: build ## benchmarks: inventory at 100,000 devices, completion, TextFSM vs Python, fan-out vs asyncssh and Netmiko, 1,000 to 10,000 devices, captures, views, jobs, the daemon soak (10 min)
	$(GO) test -run '^$$' -bench 'Import|Select' -benchmem -benchtime 3x ./console/
	$(GO) test -run '^$$' -bench 'CompleteAt100k' -benchmem ./console/
	./scripts/bench-inventory.sh $(BIN)
	$(GO) test -run '^$$' -bench . -benchmem ./templates/
	$(GO) run ./templates/bench
	$(GO) test -run '^$$' -bench . -benchtime 1x ./lab/
	./scripts/bench-fanout.sh $(BIN) 1000
	./scripts/bench-scale.sh $(BIN) 1000 2500 5000 10000
	./scripts/bench-captures.sh $(BIN) 1000
	$(GO) test -run '^$$' -bench 'RecordEnd' -benchtime 20x ./history/
	./scripts/bench-views.sh $(BIN) 1000
	$(GO) test -run '^$$' -bench 'Jobs' -benchtime 1x ./console/
	./scripts/bench-jobs.sh $(BIN) 1000
	./scripts/bench-daemon.sh $(BIN) 200 600 10s

demo: build ## build vc and run the demo script end to end
	./scripts/demo.sh $(BIN) $(DEMO_HOME)

install: build ## install vc into $(PREFIX)/bin
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/vc

clean: ## remove what the build and the demo left
	rm -rf bin $(DEMO_HOME)
