package firehose

import (
	"context"
	"slices"
	"time"
)

// Put limits, which AWS says cannot be changed.
const (
	MaxRecordSize     = 1_024_000
	MaxBatchRecords   = 500
	MaxBatchSizeBytes = 4 << 20
)

// Record is a record given to PutRecord or PutRecordBatch.
type Record struct {
	// Data: at most 1,024,000 bytes. It is copied.
	Data []byte
}

// PutRecordInput is the input of [DeliveryStream.PutRecord].
type PutRecordInput struct {
	Record Record
}

// PutRecordOutput is the output of [DeliveryStream.PutRecord].
type PutRecordOutput struct {
	RecordId string
	// Encrypted is true once server-side encryption is ENABLED.
	Encrypted bool
}

// PutRecordBatchInput is the input of [DeliveryStream.PutRecordBatch].
type PutRecordBatchInput struct {
	// Records: 1..500, at most 4 MiB in all.
	Records []Record
}

// PutRecordBatchOutput is the output of [DeliveryStream.PutRecordBatch].
type PutRecordBatchOutput struct {
	// FailedPutCount is how many entries failed: with [WithThrottling],
	// those over the stream's records- or bytes-per-second quota.
	FailedPutCount   int
	Encrypted        bool
	RequestResponses []PutRecordBatchResponseEntry
}

// PutRecordBatchResponseEntry is the result of one record, in input order:
// a RecordId, or an ErrorCode and ErrorMessage.
type PutRecordBatchResponseEntry struct {
	RecordId     string
	ErrorCode    string
	ErrorMessage string
}

// PutRecord writes one record into the delivery stream's buffer.
func (d *DeliveryStream) PutRecord(ctx context.Context, in PutRecordInput) (PutRecordOutput, error) {
	if len(in.Record.Data) > MaxRecordSize {
		return PutRecordOutput{}, errValidation("record.data", "'...'", "Member must have length less than or equal to 1024000")
	}
	ids, enc, err := d.put(ctx, []Record{in.Record}, false)
	if err != nil {
		return PutRecordOutput{}, err
	}
	if ids[0] == throttled {
		return PutRecordOutput{}, ErrServiceUnavailableException.WithMessage("Slow down.")
	}
	return PutRecordOutput{RecordId: ids[0], Encrypted: enc}, nil
}

// PutRecordBatch writes up to 500 records into the delivery stream's
// buffer. A request over a limit is rejected whole and buffers nothing.
func (d *DeliveryStream) PutRecordBatch(ctx context.Context, in PutRecordBatchInput) (PutRecordBatchOutput, error) {
	n := len(in.Records)
	if n == 0 {
		return PutRecordBatchOutput{}, errValidation("records", "'[]'", "Member must have length greater than or equal to 1")
	}
	if n > MaxBatchRecords {
		return PutRecordBatchOutput{}, errValidation("records", "'[...]'", "Member must have length less than or equal to 500")
	}
	total := 0
	for i, r := range in.Records {
		if len(r.Data) > MaxRecordSize {
			return PutRecordBatchOutput{}, errValidation("records."+itoa(i+1)+".member.data", "'...'",
				"Member must have length less than or equal to 1024000")
		}
		total += len(r.Data)
	}
	if total > MaxBatchSizeBytes {
		return PutRecordBatchOutput{}, errArg("Records size exceeds 4 MB limit")
	}
	ids, enc, err := d.put(ctx, in.Records, true)
	if err != nil {
		return PutRecordBatchOutput{}, err
	}
	out := PutRecordBatchOutput{Encrypted: enc, RequestResponses: make([]PutRecordBatchResponseEntry, n)}
	for i, id := range ids {
		if id == throttled {
			out.RequestResponses[i] = PutRecordBatchResponseEntry{ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down."}
			out.FailedPutCount++
			continue
		}
		out.RequestResponses[i].RecordId = id
	}
	return out, nil
}

// put buffers validated records from a direct put.
func (d *DeliveryStream) put(ctx context.Context, recs []Record, batch bool) ([]string, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	d.mu.Lock()
	now := d.mono.Now(d.svc.cfg.clock)
	if err := d.checkActiveLocked(now); err != nil {
		d.mu.Unlock()
		return nil, false, err
	}
	if d.typ != DirectPut {
		d.mu.Unlock()
		return nil, false, errArg("This operation is not permitted on KinesisStreamAsSource delivery stream type.")
	}
	if d.dest.proc != nil && d.dest.proc.decompress && ctx.Value(cwlKey{}) == nil {
		d.mu.Unlock()
		return nil, false, ErrInvalidSourceException.WithMessage(
			"Only requests from CloudWatch Logs are supported when CloudWatch Logs decompression is enabled.")
	}
	enc := d.enc.encryptedAt(now)
	size := 0
	for _, r := range recs {
		size += len(r.Data)
	}
	d.metrics.add(mIncomingBytes, size)
	d.metrics.add(mIncomingRecords, len(recs))
	d.metrics.add(mIncomingPutRequests, 1)
	if batch {
		d.metrics.add(mPutRecordBatchBytes, size)
		d.metrics.add(mPutRecordBatchRecords, len(recs))
		d.metrics.add(mPutRecordBatchRequests, 1)
	} else {
		d.metrics.add(mPutRecordBytes, size)
		d.metrics.add(mPutRecordRequests, 1)
	}
	ids := make([]string, len(recs))
	if d.svc.cfg.throttling {
		var ok bool
		if recs, ok = d.throttleLocked(now, recs, ids); !ok {
			d.mu.Unlock()
			return nil, false, ErrServiceUnavailableException.WithMessage("Slow down.")
		}
	}
	for i := range ids {
		if ids[i] == "" {
			ids[i] = recordID(d.recordSeq)
			d.recordSeq++
		}
	}
	jobs := d.catchUpLocked(now)
	dest := d.dest
	taps := d.tapsLocked()
	if dest.proc == nil && !dest.partitioned && !dest.backupSource {
		// Fast path: records go straight into the main buffer.
		for _, r := range recs {
			jobs = d.appendLocked(bufKey{lane: laneMain}, nil, r.Data, now, now, jobs)
		}
		jobs = append(jobs, d.catchUpLocked(now)...)
		d.armLocked(now)
		d.mu.Unlock()
		d.run(jobs)
		if taps != nil {
			feedTaps(ctx, taps, tapRecords(recs, now))
		}
		return ids, enc, nil
	}
	d.mu.Unlock()
	d.run(jobs)
	in := make([]inRecord, len(recs))
	for i, r := range recs {
		in[i] = inRecord{data: slices.Clone(r.Data), arrival: now}
	}
	d.ingest(ctx, dest, in, now)
	if taps != nil {
		feedTaps(ctx, taps, tapRecords(recs, now))
	}
	return ids, enc, nil
}

// tapRecords copies accepted records for the taps.
func tapRecords(recs []Record, arrival time.Time) []TapRecord {
	out := make([]TapRecord, len(recs))
	for i, r := range recs {
		out[i] = TapRecord{Data: slices.Clone(r.Data), Arrival: arrival}
	}
	return out
}

// ingest runs records through the pipeline and buffers them.
func (d *DeliveryStream) ingest(ctx context.Context, dest *destination, in []inRecord, now time.Time) {
	var backup []inRecord
	if dest.backupSource {
		backup = in
	}
	pre, failed := d.preprocess(dest, in, now)
	if dest.proc.hasLambda() {
		// Records wait in the Lambda processor's buffer; its flush
		// invokes the function (see transformJob).
		d.mu.Lock()
		if d.stopped {
			d.mu.Unlock()
			return
		}
		cur := d.mono.Now(d.svc.cfg.clock)
		var jobs []*job
		for _, r := range backup {
			jobs = d.appendLocked(bufKey{lane: laneBackup}, nil, r.data, r.arrival, now, jobs)
		}
		for _, r := range pre {
			jobs = d.appendRecordLocked(r, now, jobs)
		}
		jobs = d.failLocked(failed, now, jobs)
		jobs = append(jobs, d.catchUpLocked(cur)...)
		d.armLocked(cur)
		d.mu.Unlock()
		d.run(jobs)
		return
	}
	out, more, _ := d.transform(ctx, dest, pre, now, 1)
	d.buffer(dest, backup, out, append(failed, more...), now)
}

// transformJob invokes the Lambda processor on the records of a flushed
// processor buffer and buffers what it returns for the destination.
// A failed invocation is retried after a backoff on the clock.
func (d *DeliveryStream) transformJob(ctx context.Context, j *job) {
	d.mu.Lock()
	now := d.mono.Now(d.svc.cfg.clock)
	d.mu.Unlock()
	j.attempts++
	out, failed, retry := d.transform(ctx, j.dest, j.pending, now, j.attempts)
	if retry {
		d.mu.Lock()
		if !d.stopped {
			d.scheduleLocked(j, now.Add(d.backoffLocked(j.attempts)), now)
		}
		d.mu.Unlock()
		return
	}
	d.buffer(j.dest, nil, out, failed, now)
}

// buffer puts processed records into their buffers.
func (d *DeliveryStream) buffer(dest *destination, backup []inRecord, out []outRecord, failed []failedRecord, now time.Time) {
	if dest.proc != nil {
		size := 0
		for _, r := range out {
			size += len(r.data)
		}
		d.metrics.add(mSucceedProcessingRecords, len(out))
		d.metrics.add(mSucceedProcessingBytes, size)
	}
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	// Buffers open when the records arrived (now), even if the clock moved
	// while they were processed; what is already due is flushed at once.
	cur := d.mono.Now(d.svc.cfg.clock)
	var jobs []*job
	for _, r := range backup {
		jobs = d.appendLocked(bufKey{lane: laneBackup}, nil, r.data, r.arrival, now, jobs)
	}
	for _, r := range out {
		key := bufKey{lane: laneMain, sub: r.partition}
		if r.partition != "" && d.buffers[key] == nil && d.partitions >= MaxActivePartitions {
			d.metrics.add(mPartitionCountExceeded, 1)
			failed = append(failed, failedRecord{raw: r.data, arrival: r.arrival, errorType: ErrorOutputActivePartitionExceeded,
				code: "DynamicPartitioning.ActivePartitionsLimitExceeded", at: now,
				message: "The number of active partitions exceeds the limit of " + itoa(MaxActivePartitions) + "."})
			continue
		}
		jobs = d.appendLocked(key, r.keys, r.data, r.arrival, now, jobs)
	}
	jobs = d.failLocked(failed, now, jobs)
	jobs = append(jobs, d.catchUpLocked(cur)...)
	d.armLocked(cur)
	d.mu.Unlock()
	d.run(jobs)
}

// DataWriter adapts a delivery stream to callers that put raw bytes, such
// as the firehose subscriptions of package pubsub (pubsub.FirehoseDeliverer):
//
//	topics.RegisterFirehose(d.ARN(), firehose.DataWriter{Stream: d})
type DataWriter struct {
	Stream *DeliveryStream
}

// PutRecord puts data as one record.
func (w DataWriter) PutRecord(ctx context.Context, data []byte) error {
	_, err := w.Stream.PutRecord(ctx, PutRecordInput{Record: Record{Data: data}})
	return err
}

type cwlKey struct{}

// FromCloudWatchLogs marks puts made with the returned context as
// deliveries of a CloudWatch Logs subscription filter: the only puts a
// delivery stream with a Decompression processor accepts (others get
// InvalidSourceException).
func FromCloudWatchLogs(ctx context.Context) context.Context {
	return context.WithValue(ctx, cwlKey{}, true)
}
