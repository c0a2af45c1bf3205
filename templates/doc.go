// Package templates parses device output with TextFSM templates, using
// Python textfsm's semantics, and chooses a template by platform and command.
package templates
