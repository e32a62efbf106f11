// Package journal persists a localwatch account: an ordered journal of the
// calls made to it, replayed in order when the account is opened again.
//
// Every service is deterministic given its inputs, its clock and its ID
// source (the determinism test holds the services to it). So instead of
// storing each service's state, the journal stores what the state is a
// function of: the calls, in the order they ran, each with the time it ran
// at, and the moments the clock ran its scheduled work (ticks). Opening the
// directory again rebuilds the ID source from the stored seed and re-invokes
// every call, on the same Region's service, with the same time, request ID
// and identity, firing the ticks where they happened; the result is the state
// the account had, byte for byte (CloudTrail files, digest chains, alarm
// states and their history, IDs).
//
// # Ordering
//
// The journal serialises the account: one mutex is held from Begin to the
// end of each top-level call (reads too: reads draw IDs and land in the
// CloudTrail event history, which is state) and around each tick. While it is
// held the services' clock (a [clock.Virtual]) stands still at the record's
// time. Calls made inside a call (a metric filter putting data, an alarm
// publishing to SNS) are part of the outer call and are not journaled; they
// are recognised by their context ([op.WithinCall]) or, when they were given
// a fresh one (scheduled work, a user's hook), because they run on the
// goroutine that holds the order. A tick is recorded whenever the base clock
// wakes the virtual clock and a timer is due; replay fires the same timers
// at the same times. The services are built, on every open, with the clock
// held at the time the directory was created, so the timers they register
// when built are the same too.
//
// # Layout
//
//	DIR/LOCK                 flock(2)ed while open: a second process gets an error
//	DIR/FORMAT               "localwatch journal <version>\n"; a newer version is refused
//	DIR/seed                 the ID seed and the creation time (Unix ns), 8 bytes each,
//	                         little-endian, + CRC-32C (4 bytes); services are built at
//	                         the creation time on every open, so their first timers
//	                         are the same
//	DIR/checkpoint           the account's state as of a record (below)
//	DIR/journal/00000001.log segments of records, a new one past 64 MiB and at
//	                         each checkpoint; the last is the active one,
//	                         appended to; those a checkpoint covers are removed
//	DIR/journal/00000001.log.zst
//	                         a sealed segment, compressed (below)
//	DIR/objects/             CloudTrail and Config files (objstore.Dir), when the
//	                         account has no Store of its own
//
// A record is framed as [uint32 length][uint32 CRC-32C of the payload]
// [payload], little-endian; the payload is a CBOR array: sequence number
// (consecutive from 1, across segments), kind (call or tick), time (Unix
// nanoseconds), Region, service, operation name, request ID (when the caller
// set one), identity (when the caller set one), read-only and unrecorded
// flags, and the operation's Input encoded as CBOR (field names as in Go,
// times in RFC 3339 with nanoseconds), or, for an Input type with a
// registered [op.InputCodec] (PutMetricData, PutLogEvents: the hot paths,
// where the generic form costs more than the call), as a CBOR byte string
// holding the codec's compact form.
//
// Records are written as they come, uncompressed: a record is written as
// soon as its call needs it, too little at a time for a compressor to gain
// much. When a segment is sealed (the journal moves on past 64 MiB, or
// Close finds the active segment past 1 MiB) it never changes again, and
// the writer compresses it whole into NNNNNNNN.log.zst, one zstd frame with
// its content checksum, whose content is the segment unchanged: records
// repeat most of their bytes (names, dimensions, heads, log lines), so
// segments shrink several-fold. The compressed file is fsynced and renamed
// into place before the plain one is removed: a crash leaves one complete
// form, or both (the compressed one is read).
//
// # The writer
//
// The journal has one goroutine, from Start to Close, the writer (the
// design's "bounded workers" for disk I/O): a call that changes state wakes
// it as soon as its record is buffered, and it writes and fsyncs the buffer
// while the call itself runs, so the disk's latency overlaps the call's
// work instead of following it. The call still returns only once its record
// is durable (below); if the writer has not got to it, the call writes it
// itself. When it has nothing to write, the writer compresses the sealed
// segments.
//
// # Guarantees
//
// A call that changes state returns only once its record is written, under
// the account's sync policy:
//
//   - [SyncEveryCall] (the default): written and fsync(2)ed. Nothing
//     acknowledged is lost by a process crash (kill -9) or a power loss.
//     Concurrent callers share one fsync (group commit: the first caller to
//     find its record unsynced writes and syncs everything buffered so far,
//     the others wait for it and find theirs synced), so throughput grows
//     with concurrency.
//   - [SyncLoseRecentOnPowerLoss]: written (write(2)) before the call returns,
//     fsynced by the first write at least a second after the last fsync and
//     at Close. Nothing acknowledged is lost by a process crash; a power loss
//     (or an OS crash) may lose the calls acknowledged since the last fsync.
//
// Reads and ticks are written with the next change, once a megabyte of them
// waits, or at Close; losing
// them loses nothing anyone was told had happened: the scheduled work runs
// again when the clock next wakes. A call whose record was written but which
// had not returned when the process died is replayed (it may have happened,
// as with AWS).
//
// If the disk fails (a write or fsync error), the calls go on in memory, the
// failure is logged at Error once, and every later change tries to write the
// records again, in order; until one succeeds, what is acknowledged is not
// durable.
//
// # Recovery
//
// Opening reads every segment in order (a compressed one decompressed, its
// checksum checked) and checks each record's length, CRC and sequence
// number. At the first bad record:
//
//   - a torn tail (the process died in the middle of a write: the last record
//     is short or fails its CRC, and nothing follows it) is cut off: the
//     segment is truncated to the valid prefix, reported to the Logger at
//     Warn, and the account opens;
//   - damage with valid-looking data after it (a flipped byte in the middle)
//     also keeps the valid prefix, which is all that can be replayed in
//     order: the rest of the segment and the later segments are renamed
//     *.damaged (kept for inspection, never read again) and the loss is
//     reported at Warn with its size;
//   - a compressed segment that does not decode is handled the same way:
//     what decodes before the damage is kept (as a plain segment), the
//     compressed file and the later segments are set aside as *.damaged.
//
// A corrupt or missing seed file, or an unreadable FORMAT, refuses to open
// (the calls cannot be replayed without their seed); so does a FORMAT of a
// newer version, or a LOCK held by another process.
//
// # What a service must do to be replayable
//
//   - Change state only inside an operation run by op.Do, a bus handler or
//     hook run inside one, or a timer of the clock it was given (which runs
//     inside a tick). Work done elsewhere — a goroutine applying the result
//     of an HTTP delivery — must itself be an operation through op.Do (a
//     private one, such as SNS's "localwatch:DeliveryResult"), replayed
//     through [Replayer].
//   - Pass op.Do the exported method's Input unchanged, under the method's
//     name (event.Call.Name): replay calls the method of that name with the
//     decoded Input ([MethodDispatch]).
//   - Keep Inputs encodable: exported fields, no funcs or channels; fields
//     tagged json:"-" are not stored (CBOR follows the json tags); an
//     interface field comes back as map[string]any and friends. An Input
//     on a hot path registers an [op.InputCodec] (or implements
//     encoding.BinaryMarshaler and BinaryUnmarshaler): the journal then
//     stores its compact form (the generic form of a PutMetricData datum is
//     about 140 bytes, the codec's about 22).
//   - Draw IDs and read the time only inside operations and timers.
//   - While op.Service.Replaying, make no effect outside the process (no
//     HTTP): the recorded outcome of such work decides.
//   - What is not an operation is not persisted: Go functions, action
//     handlers and destinations the user registers are registered again on
//     every open (localwatch's Options.Setup, before the replay). A Go
//     function called inside an operation (a Config rule function, a Logs
//     destination, the first delivery attempts of an SNS function
//     subscriber) is called again by the replay with the same input, which
//     is how the state it gave is rebuilt: it must give the same answer
//     (a function that also acts outside the process acts again). Work
//     done outside any operation (SNS retries fired by the clock on an
//     account with a DataDir, which the delivery workers run) is not
//     called again: its outcome is journaled.
//
// # Checkpoints and compaction
//
// Replaying a long journal takes about as long as the calls took. So
// [Journal.Checkpoint] (called by the account as it closes, and when its
// user asks: Account.Checkpoint) writes DIR/checkpoint (checkpoint.go): the
// account's whole state as of its last record (Options.SaveState: every
// service's state, the ID source's position, the clock's pending timers with
// their order), with that record's sequence number and the position after
// it, which is the start of a new segment (the checkpoint begins one). The
// checkpoint is written to a temporary file, fsynced, renamed and its
// directory fsynced, with a CRC-32C over it; then the segments before its
// position, which it covers, are removed, oldest first. The directory thus
// holds one checkpoint and the journal after it (as PostgreSQL keeps one
// checkpoint and the WAL after its redo point, and Prometheus one WAL
// checkpoint and the segments after it).
//
// Opening loads the checkpoint (Options.LoadState) and replays only the
// records after it — none after a clean Close, those made since after a
// crash — and removes covered segments a crash left. A checkpoint that
// cannot be read (damage) is reported and the whole journal replayed if the
// journal still begins at its first segment (a crash before the covered
// segments were removed); otherwise nothing else can rebuild the state, and
// the open fails with an error that says so and leaves the directory as it
// is, for the user to restore from a snapshot ([Journal.Snapshot], which
// carries the checkpoint, the journal after it and the account's objects).
// A checkpoint a service refuses fails the open too.
//
// Besides Checkpoint, with Options.CheckpointAfter the journal writes a
// checkpoint by itself once that many bytes of records were appended since
// the last one: the call that finds it so writes it before it runs, under
// the account's order (no goroutine of its own). That bounds both the
// journal on disk and what a crash leaves to replay.
//
// Calls wait while a checkpoint is written (the services save their state
// with the account standing still). The state is compressed with zstd on a
// second goroutine while the services save it, and decompressed ahead of
// the services' Load on opening.
package journal
