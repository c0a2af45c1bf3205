module vc

go 1.26.0

require (
	github.com/dlclark/regexp2 v1.11.5
	go.yaml.in/yaml/v3 v3.0.4
)

require github.com/sirikothe/gotextfsm v1.2.0
