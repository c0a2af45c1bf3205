// Package engine runs commands on devices over SSH: the transport, the
// platform drivers, the worker pool and the events a run streams back.
package engine
