package stream

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Shard is a shard as DescribeStream and ListShards return it.
type Shard struct {
	ShardId               string
	ParentShardId         string // empty for a shard the stream was created with
	AdjacentParentShardId string // set on a shard made by MergeShards
	HashKeyRange          HashKeyRange
	SequenceNumberRange   SequenceNumberRange
}

// HashKeyRange is the inclusive range of hash keys a shard owns, in
// decimal.
type HashKeyRange struct {
	StartingHashKey string
	EndingHashKey   string
}

// SequenceNumberRange is the range of a shard's sequence numbers.
// EndingSequenceNumber is empty while the shard is open.
type SequenceNumberRange struct {
	StartingSequenceNumber string
	EndingSequenceNumber   string
}

// ChildShard is a shard made from a closed one, as GetRecords and
// SubscribeToShard report them at the end of the closed shard.
type ChildShard struct {
	ShardId      string
	ParentShards []string
	HashKeyRange HashKeyRange
}

// record is one stored record. Its counter is its position in its shard's
// log.
type record struct {
	data []byte
	key  string
	seq  string // its sequence number, shared with its PutRecords batch
	// stamp is the arrival time in unix nanoseconds, shifted left one bit;
	// the low bit says whether the stream was encrypted when the record was
	// written. One word instead of two keeps a record at 64 bytes.
	stamp int64
}

func stamp(arrival int64, encrypted bool) int64 {
	s := arrival << 1
	if encrypted {
		s |= 1
	}
	return s
}

// arrival returns the record's arrival time in unix nanoseconds.
func (r *record) arrival() int64 { return r.stamp >> 1 }

// encrypted reports whether the record was written to an encrypted stream.
func (r *record) encrypted() bool { return r.stamp&1 == 1 }

// shard is one shard: its place in the hash-key space and lineage, and its
// records, oldest first. All of it is guarded by the stream's mutex.
type shard struct {
	index      uint32
	id         string
	start, end hashKey
	parent     int // index of ParentShardId, -1 if none
	adjacent   int // index of AdjacentParentShardId, -1 if none
	children   []int
	created    time.Time
	closed     time.Time // zero while open
	epoch      int64     // shard epoch of its sequence numbers
	// recs are the retained records; the oldest has counter first. Counters
	// start at 1: counter 0 is the shard's StartingSequenceNumber, so
	// AFTER_SEQUENCE_NUMBER of it reads the shard from its first record.
	recs      recordLog
	first     uint64
	next      uint64 // counter of the next record written
	arena     []byte // the tail of the current data chunk
	lastNanos int64
	seqs      seqFormatter // prints the numbers of records written
	// demandBytes counts the bytes written in the current on-demand
	// scaling window.
	demandBytes int64
	write       writeLimiter
	read        readLimiter
	iterRate    bucket
	notify      chan struct{} // closed and cleared by the next write; nil if nobody waits
}

func shardID(index uint32) string { return fmt.Sprintf("shardId-%012d", index) }

// parseShardID resolves a shard id as AWS does: the digits after the first
// '-' ("shardId-0", "foo-0" and "shardId-000000000000" all name shard 0).
func parseShardID(id string) (uint32, bool) {
	_, digits, ok := strings.Cut(id, "-")
	if !ok || digits == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	return uint32(n), err == nil
}

func (sh *shard) isOpen() bool { return sh.closed.IsZero() }

// expiredLocked reports whether a closed shard's every record is past
// retention: it has left ListShards and DescribeStream.
func (sh *shard) expiredLocked(s *Stream, now time.Time) bool {
	return !sh.isOpen() && !sh.closed.After(s.horizon)
}

func (sh *shard) startSeq() string {
	return seqParts{shardEpoch: sh.epoch, shardIndex: sh.index, recordSec: sh.epoch}.String()
}

func (sh *shard) endSeq() string {
	return seqParts{shardEpoch: sh.epoch, shardIndex: sh.index, counter: endCounter, recordSec: sh.closed.Unix()}.String()
}

func (sh *shard) describeLocked() Shard {
	d := Shard{
		ShardId:             sh.id,
		HashKeyRange:        HashKeyRange{sh.start.String(), sh.end.String()},
		SequenceNumberRange: SequenceNumberRange{StartingSequenceNumber: sh.startSeq()},
	}
	if !sh.isOpen() {
		d.SequenceNumberRange.EndingSequenceNumber = sh.endSeq()
	}
	if sh.parent >= 0 {
		d.ParentShardId = shardID(uint32(sh.parent))
	}
	if sh.adjacent >= 0 {
		d.AdjacentParentShardId = shardID(uint32(sh.adjacent))
	}
	return d
}

// newShardLocked adds a shard owning [start, end] to s, open from at, and
// returns it. s.mu must be held.
func (s *Stream) newShardLocked(start, end hashKey, at time.Time, parents ...*shard) *shard {
	sh := &shard{
		index:    uint32(len(s.shards)),
		start:    start,
		end:      end,
		parent:   -1,
		adjacent: -1,
		created:  at,
		epoch:    at.Unix(),
		first:    1,
		next:     1,
	}
	sh.id = shardID(sh.index)
	for i, p := range parents {
		// A child's sequence numbers are above all of its parents': its
		// epoch is one past theirs and past their close.
		sh.epoch = max(sh.epoch, p.epoch+1, p.closed.Unix()+1)
		p.children = append(p.children, int(sh.index))
		if i == 0 {
			sh.parent = int(p.index)
		} else {
			sh.adjacent = int(p.index)
		}
	}
	s.shards = append(s.shards, sh)
	return sh
}

// closeLocked closes sh at time at: it takes no more writes, and readers
// that reach its end are sent to its children. s.mu must be held.
func (sh *shard) closeLocked(at time.Time) {
	sh.closed = at
	sh.wakeLocked()
}

// setOpenLocked rebuilds the routing table from the open shards. s.mu must
// be held.
func (s *Stream) setOpenLocked() {
	s.open = s.open[:0]
	for _, sh := range s.shards {
		if sh.isOpen() {
			s.open = append(s.open, sh)
		}
	}
	sort.Slice(s.open, func(i, j int) bool { return s.open[i].start.less(s.open[j].start) })
}

// route returns the open shard that owns hash key k. The open shards always
// partition the key space, so there is exactly one. s.mu must be held.
func (s *Stream) route(k hashKey) *shard {
	open := s.open
	lo, hi := 0, len(open)
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if k.less(open[m].start) {
			hi = m
		} else {
			lo = m
		}
	}
	return open[lo]
}

// shardLocked returns the shard with the given id, or AWS's error if there
// is none (or it has expired). s.mu must be held.
func (s *Stream) shardLocked(id string, now time.Time) (*shard, error) {
	idx, ok := parseShardID(id)
	if !ok {
		return nil, errorf(ErrResourceNotFoundException, "Could not find shard %s in stream %s under account %s.", id, s.name, s.svc.cfg.account)
	}
	if int(idx) >= len(s.shards) || s.shards[idx].expiredLocked(s, now) {
		return nil, errorf(ErrResourceNotFoundException, "Shard %s in stream %s under account %s does not exist", shardID(idx), s.name, s.svc.cfg.account)
	}
	return s.shards[idx], nil
}

// childShardsLocked describes sh's children. s.mu must be held.
func (s *Stream) childShardsLocked(sh *shard) []ChildShard {
	out := make([]ChildShard, 0, len(sh.children))
	for _, ci := range sh.children {
		c := s.shards[ci]
		cs := ChildShard{ShardId: c.id, HashKeyRange: HashKeyRange{c.start.String(), c.end.String()}}
		if c.parent >= 0 {
			cs.ParentShards = append(cs.ParentShards, shardID(uint32(c.parent)))
		}
		if c.adjacent >= 0 {
			cs.ParentShards = append(cs.ParentShards, shardID(uint32(c.adjacent)))
		}
		out = append(out, cs)
	}
	return out
}

// trimLocked drops the records at or before the stream's trim horizon.
// s.mu must be held.
func (sh *shard) trimLocked(s *Stream) {
	h := s.horizon.UnixNano()
	n := sh.recs.search(func(r *record) bool { return r.arrival() > h })
	if n == 0 {
		return
	}
	sh.recs.dropFront(n)
	sh.first += uint64(n)
}

// wakeLocked wakes everything waiting for sh to change. s.mu must be held.
func (sh *shard) wakeLocked() {
	if sh.notify != nil {
		close(sh.notify)
		sh.notify = nil
	}
}

// waitLocked returns a channel closed at sh's next change. s.mu must be
// held.
func (sh *shard) waitLocked() <-chan struct{} {
	if sh.notify == nil {
		sh.notify = make(chan struct{})
	}
	return sh.notify
}
