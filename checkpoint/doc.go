// Package checkpoint stores the state of a run so that it can be resumed
// after a crash, a time limit or a preemption, and continue bit-identically.
//
// A checkpoint file is a fixed header followed by a gob-encoded payload:
//
//	offset  size  content
//	0       8     magic "VMCMPICK"
//	8       4     format version, little-endian uint32
//	12      8     payload length in bytes, little-endian uint64
//	20      32    SHA-256 of the payload
//	52      n     payload (gob encoding of State)
//
// The length and the checksum make a file cut short or damaged on disk
// detectable: Read refuses it with a message saying which check failed.
// WriteFile never exposes a partial file under the final name: it writes a
// temporary file in the same directory, fsyncs it, renames it over the old
// checkpoint and fsyncs the directory, so a crash at any moment leaves
// either the previous good checkpoint or the new one.
//
// Float64 values travel through gob as their IEEE-754 bits, so a resumed run
// restarts from exactly the same numbers. Walker blobs (configuration plus
// random-number-generator state) are byte strings; to move them between
// ranks with float64 collectives, PackBytes puts eight bytes into each
// float64's bits, which MPI and the in-process backend copy unchanged.
//
// A different number of ranks is refused rather than re-seeded: every
// rank's walkers carry their own random streams, and continuing with other
// streams would break the promise that an interrupted run ends exactly as
// an uninterrupted one.
package checkpoint
