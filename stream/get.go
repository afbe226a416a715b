package stream

import (
	"context"
	"errors"
	"time"
)

// Read limits.
const (
	MaxGetRecordsLimit = 10000    // records per GetRecords call
	MaxGetRecordsBytes = 10 << 20 // bytes per GetRecords call
)

// GetRecordsInput is the input of [Service.GetRecords] and
// [Stream.GetRecords].
type GetRecordsInput struct {
	ShardIterator string
	// Limit is the most records to return: 1..10,000, default 10,000.
	Limit *int
}

// Record is a record as GetRecords returns it.
type Record struct {
	SequenceNumber              string
	ApproximateArrivalTimestamp time.Time
	// Data shares memory with the stream: treat it as read-only.
	Data           []byte
	PartitionKey   string
	EncryptionType EncryptionType
}

// GetRecordsOutput is the output of GetRecords.
type GetRecordsOutput struct {
	Records []Record
	// NextShardIterator continues after the returned records. It is empty
	// (AWS's null) once a closed shard has been read to its end; that
	// response lists the shard's ChildShards, where reading goes on.
	NextShardIterator string
	// MillisBehindLatest is how far the returned records are behind the
	// newest record of the shard: 0 once caught up, and at least 1 while
	// records remain after the returned ones.
	MillisBehindLatest int64
	ChildShards        []ChildShard
}

// GetRecords reads records from the shard iterator's position: up to Limit
// records and at most 10 MiB. It may return no records on an open shard;
// NextShardIterator is then the same position, re-issued. An iterator is
// not used up: reading the same one again returns the same records.
// GetRecords on the Service finds the stream from the iterator.
func (svc *Service) GetRecords(ctx context.Context, in GetRecordsInput) (GetRecordsOutput, error) {
	t, limit, err := svc.checkGetRecords(in)
	if err != nil {
		return GetRecordsOutput{}, err
	}
	s, err := svc.lookup(t.stream)
	if errors.Is(err, ErrResourceNotFoundException) {
		return GetRecordsOutput{}, svc.errShardGone(t)
	}
	if err != nil {
		return GetRecordsOutput{}, err
	}
	return s.getRecords(ctx, t, limit)
}

// GetRecords is [Service.GetRecords] for an iterator on this stream.
func (s *Stream) GetRecords(ctx context.Context, in GetRecordsInput) (GetRecordsOutput, error) {
	t, limit, err := s.svc.checkGetRecords(in)
	if err != nil {
		return GetRecordsOutput{}, err
	}
	if t.stream != s.name {
		return GetRecordsOutput{}, errorf(ErrInvalidArgumentException, "Invalid ShardIterator.")
	}
	return s.getRecords(ctx, t, limit)
}

// errShardGone is AWS's answer to an iterator on a shard (or stream) that
// no longer exists.
func (svc *Service) errShardGone(t iterToken) *Error {
	return errorf(ErrResourceNotFoundException, "Shard %s in stream %s under account %s does not exist",
		shardID(t.shard), t.stream, svc.cfg.account)
}

func (svc *Service) checkGetRecords(in GetRecordsInput) (iterToken, int, error) {
	limit := MaxGetRecordsLimit
	if in.Limit != nil {
		if *in.Limit < 1 {
			return iterToken{}, 0, errValidationValue(*in.Limit, "limit", "Member must have value greater than or equal to 1")
		}
		if *in.Limit > MaxGetRecordsLimit {
			return iterToken{}, 0, errValidationValue(*in.Limit, "limit", "Member must have value less than or equal to 10000")
		}
		limit = *in.Limit
	}
	if in.ShardIterator == "" || len(in.ShardIterator) > 512 {
		return iterToken{}, 0, errValidation("shardIterator", "Member must have length between 1 and 512")
	}
	t, ok := svc.decodeIterator(in.ShardIterator)
	if !ok {
		return iterToken{}, 0, errorf(ErrInvalidArgumentException, "Invalid ShardIterator.")
	}
	return t, limit, nil
}

func (s *Stream) getRecords(ctx context.Context, t iterToken, limit int) (GetRecordsOutput, error) {
	if err := ctx.Err(); err != nil {
		return GetRecordsOutput{}, err
	}
	if s.svc.isClosed() {
		return GetRecordsOutput{}, errClosed()
	}
	now, err := s.lock()
	if err != nil {
		return GetRecordsOutput{}, err
	}
	defer s.mu.Unlock()
	if t.streamID != s.id {
		return GetRecordsOutput{}, s.svc.errShardGone(t)
	}
	if ms := now.UnixMilli(); ms-t.issued > IteratorLifetime.Milliseconds() {
		return GetRecordsOutput{}, errorf(ErrExpiredIteratorException,
			"Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of %d milliseconds.",
			javaDate(time.UnixMilli(t.issued)), javaDate(now), IteratorLifetime.Milliseconds())
	}
	if int(t.shard) >= len(s.shards) || s.shards[t.shard].expiredLocked(s, now) {
		return GetRecordsOutput{}, s.svc.errShardGone(t)
	}
	sh := s.shards[t.shard]
	nanos := now.UnixNano()
	if s.svc.cfg.throttling && !sh.read.admit(nanos) {
		return GetRecordsOutput{}, ErrProvisionedThroughputExceededException.WithMessage(
			"Rate exceeded for Shard - " + sh.id + " in stream " + s.name + " under account " + s.svc.cfg.account + ".")
	}
	out, next, size := s.readLocked(sh, t.pos, limit, MaxGetRecordsBytes, now)
	if s.svc.cfg.throttling {
		sh.read.spend(nanos, size)
	}
	if !sh.isOpen() && next >= sh.next {
		out.ChildShards = s.childShardsLocked(sh)
	} else {
		out.NextShardIterator = s.svc.encodeIterator(iterToken{
			stream: s.name, streamID: s.id, shard: sh.index, pos: next, issued: now.UnixMilli(),
		})
	}
	return out, nil
}

// readLocked copies up to limit records (and maxBytes) of sh from counter
// pos on, and returns them with the counter after the last one and their
// size. s.mu must be held.
func (s *Stream) readLocked(sh *shard, pos uint64, limit, maxBytes int, now time.Time) (GetRecordsOutput, uint64, int) {
	sh.trimLocked(s)
	pos = max(pos, sh.first)
	var out GetRecordsOutput
	if pos >= sh.next {
		out.Records = []Record{}
		return out, pos, 0
	}
	base := int(pos - sh.first)
	avail := sh.recs.len() - base
	n, size := 0, 0
	for n < avail && n < limit {
		r := sh.recs.at(base + n)
		sz := len(r.data) + len(r.key)
		if size+sz > maxBytes && n > 0 {
			break // a record larger than maxBytes still goes out alone
		}
		size += sz
		n++
	}
	recs := make([]Record, n)
	for i := range recs {
		r := sh.recs.at(base + i)
		enc := EncryptionTypeNone
		if r.encrypted() {
			enc = EncryptionTypeKMS
		}
		recs[i] = Record{
			SequenceNumber:              r.seq,
			ApproximateArrivalTimestamp: time.UnixMilli(r.arrival() / 1e6),
			Data:                        r.data,
			PartitionKey:                r.key,
			EncryptionType:              enc,
		}
	}
	out.Records = recs
	next := pos + uint64(n)
	if next < sh.next {
		out.MillisBehindLatest = max(1, now.Sub(time.Unix(0, sh.recs.at(base+n).arrival())).Milliseconds())
	}
	return out, next, size
}
