package templates

import "embed"

// builtinFS holds vc's own templates and their index: one per command the
// lab serves on each lab platform, so a fresh install parses what it asks.
//
//go:embed builtin
var builtinFS embed.FS
