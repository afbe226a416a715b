package stream

import (
	"context"
	"strconv"
	"time"
	"unsafe"
)

// Write limits.
const (
	MaxPartitionKeyLength = 256      // characters
	MaxPutRecordsEntries  = 500      // per PutRecords call
	MaxPutRecordsBytes    = 10 << 20 // per PutRecords call, partition keys included
)

// PutRecordInput is the input of [Stream.PutRecord].
type PutRecordInput struct {
	// PartitionKey (1..256 characters) picks the shard: its MD5 is the
	// record's hash key.
	PartitionKey string
	// Data is the record's payload; with the partition key it may not
	// exceed the stream's MaxRecordSizeInKiB. The stream keeps a copy.
	Data []byte
	// ExplicitHashKey, a decimal in [0, 2^128), overrides the partition
	// key's hash.
	ExplicitHashKey string
	// SequenceNumberForOrdering, the sequence number of the previous record
	// a client wrote with the same partition key, makes this record's
	// number larger. sluice's numbers always grow within a shard, and a
	// child shard's are above its parents', so it is only validated, by
	// AWS's rules: it must read as one of AWS's sequence-number formats
	// with a time no later than now.
	SequenceNumberForOrdering string
}

// PutRecordOutput is the output of [Stream.PutRecord].
type PutRecordOutput struct {
	ShardId        string
	SequenceNumber string
	EncryptionType EncryptionType
}

// PutRecordsRequestEntry is one record of a PutRecords call.
type PutRecordsRequestEntry struct {
	Data            []byte
	PartitionKey    string
	ExplicitHashKey string
}

// PutRecordsInput is the input of [Stream.PutRecords].
type PutRecordsInput struct {
	// Records: 1..500 entries, at most 10 MiB in all.
	Records []PutRecordsRequestEntry
}

// PutRecordsResultEntry is the result of one entry: ShardId and
// SequenceNumber if it was written, else ErrorCode and ErrorMessage.
type PutRecordsResultEntry struct {
	SequenceNumber string
	ShardId        string
	ErrorCode      string
	ErrorMessage   string
}

// PutRecordsOutput is the output of [Stream.PutRecords]: one result per
// entry, in request order.
type PutRecordsOutput struct {
	FailedRecordCount int
	Records           []PutRecordsResultEntry
	EncryptionType    EncryptionType
}

// checkRecord applies the record rules to one entry; field prefixes the
// names in a ValidationException ("" for PutRecord, "records.N.member."
// for PutRecords).
// It returns the ExplicitHashKey, if any; the partition key is hashed later,
// under the stream's lock, through its cache.
func checkRecord(field, key string, data []byte, explicit string, maxBytes int) (hashKey, bool, error) {
	if short, long := partitionKeyOK(key); short {
		return hashKey{}, false, errValidation(field+"partitionKey", "Member must have length greater than or equal to 1")
	} else if long {
		return hashKey{}, false, errValidation(field+"partitionKey", "Member must have length less than or equal to 256")
	}
	if len(data)+len(key) > maxBytes {
		return hashKey{}, false, errValidation(field+"data", "Member must have length less than or equal to "+strconv.Itoa(maxBytes))
	}
	if explicit == "" {
		return hashKey{}, false, nil
	}
	k, pattern, inRange := parseHashKey(explicit)
	if !pattern {
		return hashKey{}, false, errValidationValue(explicit, field+"explicitHashKey",
			`Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})`)
	}
	if !inRange {
		return hashKey{}, false, errorf(ErrInvalidArgumentException,
			"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", explicit)
	}
	return k, true, nil
}

// lockWritable locks s for a write: a CREATING stream answers
// ResourceNotFoundException, as AWS does.
func (s *Stream) lockWritable(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if s.svc.isClosed() {
		return 0, errClosed()
	}
	now, err := s.lock()
	if err != nil {
		return 0, err
	}
	if s.status == StreamStatusCreating {
		s.mu.Unlock()
		return 0, s.errNotFound()
	}
	return now.UnixNano(), nil
}

func (s *Stream) errThrottled(sh *shard) string {
	return "Rate exceeded for shard " + sh.id + " in stream " + s.name + " under account " + s.svc.cfg.account + "."
}

// PutRecord writes one record to the open shard that owns its hash key and
// returns its shard and sequence number. Over the shard's write rate it
// fails with ErrProvisionedThroughputExceededException.
func (s *Stream) PutRecord(ctx context.Context, in PutRecordInput) (PutRecordOutput, error) {
	maxBytes := s.maxRecordBytes()
	k, explicit, err := checkRecord("", in.PartitionKey, in.Data, in.ExplicitHashKey, maxBytes)
	if err != nil {
		return PutRecordOutput{}, err
	}
	if in.SequenceNumberForOrdering != "" && !isSequenceText(in.SequenceNumberForOrdering) {
		return PutRecordOutput{}, errValidationValue(in.SequenceNumberForOrdering, "sequenceNumberForOrdering",
			`Member must satisfy regular expression pattern: 0|([1-9]\d{0,128})`)
	}
	now, err := s.lockWritable(ctx)
	if err != nil {
		return PutRecordOutput{}, err
	}
	defer s.mu.Unlock()
	if in.SequenceNumberForOrdering != "" {
		switch invalid, internal := checkOrderingSeq(in.SequenceNumberForOrdering, time.Unix(0, now)); {
		case internal:
			return PutRecordOutput{}, ErrInternalFailure.WithMessage("")
		case invalid:
			return PutRecordOutput{}, s.errOrdering(in.SequenceNumberForOrdering)
		}
	}
	if !explicit {
		k = s.keys.hash(in.PartitionKey)
	}
	sh := s.route(k)
	if s.svc.cfg.throttling && !sh.write.take(now, len(in.Data)+len(in.PartitionKey)) {
		return PutRecordOutput{}, ErrProvisionedThroughputExceededException.WithMessage(s.errThrottled(sh))
	}
	r := s.appendLocked(sh, in.PartitionKey, in.Data, now)
	r.seq = string(sh.seqs.appendTo(make([]byte, 0, seqLen), sh.partsOf(r)))
	return PutRecordOutput{ShardId: sh.id, SequenceNumber: r.seq, EncryptionType: s.enc}, nil
}

func (s *Stream) errOrdering(seq string) *Error {
	return errorf(ErrInvalidArgumentException, "ExclusiveMinimumSequenceNumber %s used in PutRecord on stream %s under account %s is invalid.",
		seq, s.name, s.svc.cfg.account)
}

// maxRecordBytes reads the stream's record size limit.
func (s *Stream) maxRecordBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxKiB << 10
}

// PutRecords writes up to 500 records. The call fails as a whole only when
// the request is malformed (a bad entry, too many entries, over 10 MiB);
// otherwise each entry succeeds or fails on its own (over its shard's write
// rate: ProvisionedThroughputExceededException) and the output lists the
// results in request order.
func (s *Stream) PutRecords(ctx context.Context, in PutRecordsInput) (PutRecordsOutput, error) {
	n := len(in.Records)
	if n == 0 {
		return PutRecordsOutput{}, errValidation("records", "Member must have length greater than or equal to 1")
	}
	if n > MaxPutRecordsEntries {
		return PutRecordsOutput{}, errValidation("records", "Member must have length less than or equal to 500")
	}
	maxBytes := s.maxRecordBytes()
	var keysBuf [MaxPutRecordsEntries]hashKey
	var explicitBuf [MaxPutRecordsEntries]bool
	keys, explicit := keysBuf[:n], explicitBuf[:n]
	total := 0
	for i, e := range in.Records {
		k, x, err := checkRecord("", e.PartitionKey, e.Data, e.ExplicitHashKey, maxBytes)
		if err != nil {
			// Again, for the message naming the entry.
			_, _, err = checkRecord("records."+strconv.Itoa(i+1)+".member.", e.PartitionKey, e.Data, e.ExplicitHashKey, maxBytes)
			return PutRecordsOutput{}, err
		}
		keys[i], explicit[i] = k, x
		total += len(e.Data) + len(e.PartitionKey)
	}
	if total > MaxPutRecordsBytes {
		return PutRecordsOutput{}, errorf(ErrInvalidArgumentException, "Records size exceeds 10 MB limit")
	}
	now, err := s.lockWritable(ctx)
	if err != nil {
		return PutRecordsOutput{}, err
	}
	defer s.mu.Unlock()
	out := PutRecordsOutput{Records: make([]PutRecordsResultEntry, n), EncryptionType: s.enc}
	// Every sequence number is formatted into one buffer, which the
	// results' strings and the stored records share.
	buf := make([]byte, 0, n*seqLen)
	var storedBuf [MaxPutRecordsEntries]*record
	stored := storedBuf[:n]
	throttle := s.svc.cfg.throttling
	for i, e := range in.Records {
		if !explicit[i] {
			keys[i] = s.keys.hash(e.PartitionKey)
		}
		sh := s.route(keys[i])
		res := &out.Records[i]
		if throttle && !sh.write.take(now, len(e.Data)+len(e.PartitionKey)) {
			res.ErrorCode = ErrProvisionedThroughputExceededException.Code
			res.ErrorMessage = s.errThrottled(sh)
			out.FailedRecordCount++
			continue
		}
		r := s.appendLocked(sh, e.PartitionKey, e.Data, now)
		buf = sh.seqs.appendTo(buf, sh.partsOf(r))
		stored[i] = r
		res.ShardId = sh.id
	}
	if len(buf) > 0 {
		all := unsafe.String(&buf[0], len(buf)) // buf is never written again
		start := 0
		for i, r := range stored {
			if r == nil {
				continue
			}
			end := start + seqLen
			r.seq = all[start:end]
			out.Records[i].SequenceNumber = r.seq
			start = end
		}
	}
	return out, nil
}

// arenaChunk is the size of the blocks record data is copied into; larger
// records get their own.
const (
	arenaChunk = 64 << 10
	arenaMax   = 4 << 10
)

// appendLocked stores a record in sh and returns it; the caller sets its
// seq. s.mu must be held.
func (s *Stream) appendLocked(sh *shard, key string, data []byte, now int64) *record {
	if sh.recs.len() > 0 && sh.recs.at(0).arrival() <= s.horizon.UnixNano() {
		sh.trimLocked(s)
	}
	var d []byte
	switch {
	case len(data) == 0:
	case len(data) > arenaMax:
		d = append([]byte(nil), data...)
	default:
		if len(sh.arena) < len(data) {
			sh.arena = make([]byte, arenaChunk)
		}
		d = sh.arena[:len(data):len(data)]
		copy(d, data)
		sh.arena = sh.arena[len(data):]
	}
	now = max(now, sh.lastNanos)
	sh.lastNanos = now
	sh.next++
	r := sh.recs.append(record{data: d, key: key, stamp: stamp(now, s.enc == EncryptionTypeKMS)})
	sh.demandBytes += int64(len(data) + len(key))
	sh.wakeLocked()
	return r
}

// partsOf returns the sequence-number parts of sh's newest record r.
func (sh *shard) partsOf(r *record) seqParts {
	return seqParts{shardEpoch: sh.epoch, shardIndex: sh.index, counter: sh.next - 1, recordSec: r.arrival() / 1e9}
}

// UpdateMaxRecordSizeInput is the input of [Service.UpdateMaxRecordSize].
type UpdateMaxRecordSizeInput struct {
	StreamARN string
	// MaxRecordSizeInKiB is 1024..10240.
	MaxRecordSizeInKiB int
}

// UpdateMaxRecordSize sets the largest record (partition key plus data) an
// ACTIVE stream takes, from 1 MiB to 10 MiB. The shard write rate is
// unchanged: a large record is taken by a shard with no writes in the
// preceding second and paid off over the following ones.
func (svc *Service) UpdateMaxRecordSize(ctx context.Context, in UpdateMaxRecordSizeInput) error {
	if err := validateMaxRecordSize(in.MaxRecordSizeInKiB); err != nil {
		return err
	}
	if in.StreamARN == "" {
		return errValidation("streamARN", "Member must not be null")
	}
	s, err := svc.resolve("", in.StreamARN)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.status != StreamStatusActive {
		return s.errNotActive()
	}
	s.maxKiB = in.MaxRecordSizeInKiB
	return nil
}
