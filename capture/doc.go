// Package capture keeps what devices said: each device's output of each
// command is stored compressed, once per distinct content, on a timeline
// per device and capture type. A new version is made only when the output
// changed significantly (lines that churn without the device changing,
// such as clocks, uptimes and "last change" stamps, do not count), secrets
// can be masked before anything is stored, the latest capture of every
// device and type is mirrored as a plain file for grep and git, and
// versions, devices and parsed records can be diffed.
//
// The package never prints and never prompts. The work that costs CPU
// (hashing, normalizing, scrubbing, compressing, diffing) is done outside
// the store's transactions, so a run of a thousand devices holds the store
// file only for the few milliseconds its writes take.
//
// Layout in the store (schema 3 buckets):
//
//	blobs     blob id (8 bytes, big-endian)  -> codec byte, SHA-256, zstd frame
//	blobhash  SHA-256 of the content          -> blob id
//	versions  TYPE 0 DEVICE 0 version id     -> a version record
//	          0 'i' version id               -> the version's key (by id)
//	          0 's' TYPE                     -> when the latest versions were
//	                                            last seen (see seen.go)
//
// Types and device names never hold a zero byte and never start with one,
// so the zero separator keeps one device's versions together, in the order
// they were made, and the index keys apart from them.
package capture
