// Command vc is a terminal console for network engineers: select devices
// with an expression, run a command on all of them over SSH, and read the
// answers parsed into one table.
package main

import (
	"os"

	"vc/console"
)

// version is set at build time by the Makefile.
var version = "dev"

func main() { os.Exit(console.Main(version)) }
