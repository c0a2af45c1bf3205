// Package jobs keeps saved runs and runs them: a job is what was typed at
// the console (commands, a selection expression, the flags and the |>
// stages) under a name, resolved against the inventory each time it runs,
// so a device added since is picked up. Jobs run alone or in batches (by
// name, pattern, tag, or all that are enabled), several at once, every
// job's run going through run.Execute and the caller's Sink as an exec's
// does; a batch is recorded with the runs of its jobs. Jobs are exported
// and imported as a YAML file that can live in git, and the predecessor's
// (VelocityCollector's) JSON job files are migrated.
//
// The package never prints and never prompts: what it found travels back
// as values, errors told apart by type, and observer calls.
//
// Layout in the store's jobs bucket (store.BucketJobs):
//
//	SLUG                   -> the job, JSON
//	0x00 'b' batch id      -> a batch record, JSON (ids from the bucket's sequence)
//
// Slugs start with a letter or digit, so the batch keys, starting with a
// zero byte, sort before every job and never meet one.
package jobs
