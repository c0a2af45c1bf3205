// Package inventory reads and writes device inventories as CSV and selects
// devices with expressions. It knows the store's records but does not open
// the store: callers hand it a transaction or a list of devices.
package inventory
