// Package inventory reads and writes device inventories as CSV and selects
// devices with expressions or by name (node sets such as leaf[01-12]),
// saying what was likely meant when a selection is wrong or empty. It
// knows the store's records but does not open the store: callers hand it
// a transaction or a list of devices.
package inventory
