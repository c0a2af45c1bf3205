// Package lab serves a simulated fleet of network devices over SSH on
// loopback, for vc's demo, its tests and its benchmarks.
package lab
