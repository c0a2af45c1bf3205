// Package netbox reads devices from NetBox's REST API and plans their
// import into vc's inventory, the way inventory plans a CSV import: all or
// nothing, with what would be created, updated, renamed, skipped and
// pruned said before anything is written.
//
// It is read-only towards NetBox: only GET /api/dcim/devices/. The network
// part (Client.Devices) runs outside any store transaction, so a slow
// NetBox never holds the store's lock; PlanSync and Plan.Apply then work in
// one transaction the caller opens.
//
// A device vc got from NetBox carries the custom field netbox_url, the
// device's page in NetBox. It says which NetBox and which device id the
// record mirrors, survives renames in vc and CSV round trips, and is what
// keeps a prune to the devices NetBox gave: a device without it was added
// by hand and is never removed by a sync.
package netbox
