package lab

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// inventoryHeader is vc's import format.
var inventoryHeader = []string{"name", "ip", "port", "platform", "site", "role", "vendor", "status", "tags"}

// writeInventory writes devs as vc's import CSV.
func writeInventory(w io.Writer, devs []Device) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(inventoryHeader); err != nil {
		return fmt.Errorf("write inventory: %w", err)
	}
	for _, d := range devs {
		row := []string{d.Name, d.Address, strconv.Itoa(d.Port), d.Platform, d.Site, d.Role, d.Vendor, "active", strings.Join(d.Tags(), ";")}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write inventory: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write inventory: %w", err)
	}
	return nil
}

// inventoryNames reads the device names of an inventory CSV.
func inventoryNames(r io.Reader) (map[string]struct{}, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	if len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] != "name" {
		return nil, fmt.Errorf("not a vc inventory: want header %s", strings.Join(inventoryHeader, ","))
	}
	names := make(map[string]struct{}, len(rows)-1)
	for _, row := range rows[1:] {
		names[row[0]] = struct{}{}
	}
	return names, nil
}
