package firehose

import (
	"context"
	"errors"
	"path"
	"time"
)

// jobKind is how a flushed buffer is delivered.
type jobKind uint8

const (
	jobObject jobKind = iota
	jobHTTP
	jobOpenSearch
	jobSplunk
	jobTransform
)

// MaxRetryAge is how long Firehose keeps retrying an S3 delivery before
// the data is dropped.
const MaxRetryAge = 24 * time.Hour

// job is one delivery: an object to a bucket or a request to an endpoint,
// retried on the clock until it succeeds or its time runs out.
type job struct {
	kind      jobKind
	lane      lane
	errorType string
	dest      *destination // the configuration at flush time
	bucketARN string
	key       string
	body      []byte   // the records, concatenated (see flat)
	chunks    [][]byte // the records in blocks, until flat joins them
	size      int      // len of the concatenation
	ends      []int32
	arrivals  []int32 // see buffer.arrivals
	payload   []byte  // encoded (converted, compressed) body, once made
	format    CompressionFormat
	convert   bool
	first     time.Time
	records   int
	attempts  int
	started   time.Time
	giveUpAt  time.Time
	requestID string
	scheduled bool
	due       deadline
	pending   []inRecord // a jobTransform's records
	// ackID is the Splunk acknowledgement id awaited (-1: none), until
	// ackDeadline.
	ackID       int64
	ackDeadline time.Time
	// docs maps a record of the job to its index in the first attempt,
	// once a partial failure kept only some records (OpenSearch ids).
	docs []int
}

// docIndex is the index of the i-th record in the job's first attempt.
func (j *job) docIndex(i int) int {
	if j.docs == nil {
		return i
	}
	return j.docs[i]
}

// keepOnly narrows the job to the records at indexes keep of recs, its
// current records.
func (j *job) keepOnly(recs [][]byte, keep []int) {
	var body []byte
	ends := make([]int32, 0, len(keep))
	docs := make([]int, 0, len(keep))
	var arrivals []int32
	for _, i := range keep {
		body = append(body, recs[i]...)
		ends = append(ends, int32(len(body)))
		docs = append(docs, j.docIndex(i))
		if i < len(j.arrivals) {
			arrivals = append(arrivals, j.arrivals[i])
		}
	}
	j.arrivals = arrivals
	j.body, j.chunks, j.size, j.ends, j.docs, j.records, j.payload = body, nil, len(body), ends, docs, len(keep), nil
}

// flat returns the job's records concatenated, joining its blocks the
// first time. It runs with no lock held.
func (j *job) flat() []byte {
	if j.body == nil && len(j.chunks) > 0 {
		if len(j.chunks) == 1 {
			j.body = j.chunks[0]
		} else {
			j.body = make([]byte, 0, j.size)
			for _, c := range j.chunks {
				j.body = append(j.body, c...)
			}
		}
		j.chunks = nil
	}
	return j.body
}

// arrivalOf returns the arrival of the job's i-th record.
func (j *job) arrivalOf(i int) time.Time {
	if i < len(j.arrivals) {
		return j.first.Add(time.Duration(j.arrivals[i]) * time.Millisecond)
	}
	return j.first
}

// recordsOf returns the job's records.
func (j *job) recordsOf() [][]byte {
	body := j.flat()
	out := make([][]byte, len(j.ends))
	start := int32(0)
	for i, e := range j.ends {
		out[i] = body[start:e]
		start = e
	}
	return out
}

// newJobLocked turns a closed buffer into its delivery. d.mu must be held.
func (d *DeliveryStream) newJobLocked(b *buffer, now time.Time) *job {
	c := d.dest
	j := &job{lane: b.key.lane, dest: c, chunks: b.chunks, size: b.size, ends: b.ends, arrivals: b.arrivals, first: b.first,
		records: len(b.ends), started: now, ackID: -1}
	switch b.key.lane {
	case laneMain:
		switch c.kind {
		case kindHTTP:
			j.kind = jobHTTP
		case kindElasticsearch, kindOpenSearch, kindOpenSearchServerless:
			j.kind = jobOpenSearch
		case kindSplunk:
			j.kind = jobSplunk
		default:
			j.kind = jobObject
			j.bucketARN, j.format = c.s3.BucketARN, c.s3.CompressionFormat
			j.convert = c.convert != nil
			j.key = d.objectKeyLocked(c.prefix, b.first, "", b.keys, c.ext3)
		}
		if j.kind != jobObject {
			j.requestID = newUUID(d.rng)
			j.giveUpAt = now.Add(c.retry)
		}
	case laneError:
		j.errorType = b.key.sub
		j.bucketARN, j.format = c.s3.BucketARN, c.s3.CompressionFormat
		j.key = d.objectKeyLocked(c.errPrefix, b.first, b.key.sub, nil, extension(c.s3.CompressionFormat))
	case laneLambda:
		j.kind, j.pending = jobTransform, b.pending
		return j
	case laneBackup:
		if c.backup == nil { // the backup was configured by a configuration an update replaced
			j.bucketARN, j.format = c.s3.BucketARN, c.s3.CompressionFormat
			j.key = d.objectKeyLocked(c.prefix, b.first, "", nil, extension(c.s3.CompressionFormat))
			break
		}
		j.bucketARN, j.format = c.backup.BucketARN, c.backup.CompressionFormat
		j.key = d.objectKeyLocked(c.backupPfx, b.first, "", nil, extension(c.backup.CompressionFormat))
	}
	if j.kind == jobObject {
		j.giveUpAt = now.Add(MaxRetryAge)
	}
	return j
}

// allDataBackupLocked returns the S3 copy of a delivery to an HTTP-like
// destination in AllData/AllDocuments/AllEvents mode. d.mu must be held.
func (d *DeliveryStream) allDataBackupLocked(j *job, now time.Time) *job {
	c := j.dest
	return &job{kind: jobObject, lane: laneBackup, dest: c, body: j.flat(), size: j.size, ends: j.ends, first: j.first, records: j.records,
		started: now, giveUpAt: now.Add(MaxRetryAge), bucketARN: c.s3.BucketARN, format: c.s3.CompressionFormat,
		key: d.objectKeyLocked(c.prefix, j.first, "", nil, extension(c.s3.CompressionFormat))}
}

// objectKeyLocked renders <evaluated prefix><name>-<version>-<time>-<uuid><ext>.
// d.mu must be held.
func (d *DeliveryStream) objectKeyLocked(p *prefixExpr, first time.Time, errType string, keys map[string]string, ext string) string {
	at := first.In(d.dest.loc)
	env := prefixEnv{at: at, errorType: errType, keys: keys, random: d.randomStringLocked}
	b := make([]byte, 0, 128)
	b = p.eval(b, &env)
	b = append(b, d.name...)
	b = append(b, '-')
	b = append(b, itoa(d.version)...)
	b = append(b, '-')
	b = suffixTime.format(b, at)
	b = append(b, '-')
	b = append(b, newUUID(d.rng)...)
	b = append(b, ext...)
	return string(b)
}

var suffixTime = func() *tsFormat {
	f, err := compileTimestamp("yyyy-MM-dd-HH-mm-ss")
	if err != nil {
		panic(err)
	}
	return f
}()

// randomStringLocked is !{firehose:random-string}: 11 lower-case hex
// characters. d.mu must be held.
func (d *DeliveryStream) randomStringLocked() string {
	const hexDigits = "0123456789abcdef"
	var b [11]byte
	v := d.rng.Uint64()
	for i := range b {
		b[i] = hexDigits[v&15]
		v >>= 4
	}
	return string(b[:])
}

// perform makes one attempt at a job and reschedules it if it failed.
func (d *DeliveryStream) perform(ctx context.Context, j *job) {
	if j.kind == jobTransform {
		d.transformJob(ctx, j)
		return
	}
	polling := j.kind == jobSplunk && j.ackID >= 0
	if !polling {
		j.attempts++
	}
	var err error
	switch {
	case j.kind == jobObject:
		err = d.putObject(ctx, j)
	case j.kind == jobHTTP:
		err = d.postHTTP(ctx, j)
	case j.kind == jobOpenSearch:
		err = d.postOpenSearch(ctx, j)
	case polling:
		err = d.pollSplunkAck(ctx, j)
	case j.kind == jobSplunk:
		err = d.postSplunk(ctx, j)
	}
	d.mu.Lock()
	now := d.mono.Now(d.svc.cfg.clock)
	var more []*job
	switch {
	case errors.Is(err, errAckPending) && !d.stopped:
		// Splunk took the events: ask for the indexer acknowledgement.
		d.scheduleLocked(j, now.Add(SplunkAckPollInterval), now)
	case errors.Is(err, errAckPending):
	case err == nil:
		d.deliveredLocked(j, now)
		if j.kind != jobObject && j.dest.backupAll {
			more = append(more, d.allDataBackupLocked(j, now))
		}
	case d.stopped:
	case isPermanent(err) || !now.Before(j.giveUpAt):
		more = d.giveUpLocked(j, err, now)
	default:
		d.svc.cfg.logger.Warn("firehose delivery failed; retrying", "stream", d.name, "attempt", j.attempts, "error", err)
		d.scheduleLocked(j, now.Add(d.backoffLocked(j.attempts)), now)
	}
	d.mu.Unlock()
	d.run(more)
}

// putObject encodes and writes an object.
func (d *DeliveryStream) putObject(ctx context.Context, j *job) error {
	if j.payload == nil {
		body := j.flat()
		if j.convert && j.lane == laneMain {
			var failed []failedRecord
			body, failed = j.dest.convert.convert(j.recordsOf(), j.arrivalOf, d.svc.cfg.clock.Now())
			failedBytes := 0
			for _, f := range failed {
				failedBytes += len(f.raw)
			}
			d.metrics.add(mFailedConversionRecords, len(failed))
			d.metrics.add(mFailedConversionBytes, failedBytes)
			d.metrics.add(mSucceedConversionRecords, j.records-len(failed))
			d.metrics.add(mSucceedConversionBytes, j.size-failedBytes)
			if len(failed) > 0 {
				d.mu.Lock()
				now := d.mono.Now(d.svc.cfg.clock)
				jobs := d.failLocked(failed, now, nil)
				d.armLocked(now)
				d.mu.Unlock()
				d.run(jobs)
			}
			if body == nil {
				return nil
			}
		}
		p, err := compress(j.format, body, path.Base(j.key))
		if err != nil {
			return err
		}
		j.payload = p
	}
	return d.svc.bucket(j.bucketARN).PutObject(ctx, j.key, j.payload)
}

// giveUpLocked ends a job whose retries ran out. d.mu must be held.
func (d *DeliveryStream) giveUpLocked(j *job, err error, now time.Time) []*job {
	d.svc.cfg.logger.Warn("firehose delivery failed; giving up", "stream", d.name, "attempts", j.attempts, "error", err)
	if j.kind == jobObject {
		d.metrics.add(mDroppedRecords, j.records)
		return nil
	}
	typ, code := ErrorOutputHTTPEndpointFailed, "HttpEndpoint.DestinationException"
	switch j.kind {
	case jobOpenSearch:
		typ, code = ErrorOutputOpenSearchFailed, "OS.DestinationException"
		if j.dest.kind == kindElasticsearch {
			typ, code = ErrorOutputElasticsearchFailed, "ES.DestinationException"
		}
	case jobSplunk:
		typ, code = ErrorOutputSplunkFailed, "Splunk.DestinationException"
	}
	if e, ok := err.(*deliveryError); ok && e.code != "" {
		code = e.code
	}
	recs := j.recordsOf()
	fs := make([]failedRecord, len(recs))
	for i, r := range recs {
		fs[i] = failedRecord{raw: r, arrival: j.arrivalOf(i), errorType: typ, code: code, message: err.Error(),
			attempts: j.attempts, at: now, dataID: j.requestID}
		if j.kind == jobOpenSearch {
			fs[i].esIndex, fs[i].esType = indexName(j.dest.os, j.first), j.dest.os.TypeName
			if j.dest.os.DefaultDocumentIdFormat != "NO_DOCUMENT_ID" {
				fs[i].esID = documentID(j.requestID, j.docIndex(i))
			}
		}
	}
	jobs := d.failLocked(fs, now, nil)
	d.armLocked(now)
	return jobs
}

// deliveryError is a failed attempt with the error code AWS reports.
type deliveryError struct {
	code      string
	msg       string
	permanent bool
}

// Error returns the message.
func (e *deliveryError) Error() string { return e.msg }

func isPermanent(err error) bool {
	e, ok := err.(*deliveryError)
	return ok && e.permanent
}

// deliveredLocked counts a successful delivery. d.mu must be held.
func (d *DeliveryStream) deliveredLocked(j *job, now time.Time) {
	n, size := j.records, j.size
	age := now.Sub(j.first)
	switch {
	case j.lane == laneBackup:
		d.metrics.delivered(mBackupToS3Records, mBackupToS3Bytes, mBackupToS3Success, n, size)
		d.metrics.freshness(mBackupToS3DataFreshness, age)
	case j.lane == laneError:
		d.metrics.add(mDeliveryToS3ObjectCount, 1)
	case j.kind == jobHTTP:
		d.metrics.delivered(mDeliveryToHTTPRecords, mDeliveryToHTTPBytes, mDeliveryToHTTPSuccess, n, size)
		d.metrics.freshness(mDeliveryToHTTPDataFreshness, age)
	case j.kind == jobOpenSearch:
		d.metrics.delivered(mDeliveryToOSRecords, mDeliveryToOSBytes, mDeliveryToOSSuccess, n, size)
		d.metrics.freshness(mDeliveryToOSDataFreshness, age)
	case j.kind == jobSplunk:
		d.metrics.delivered(mDeliveryToSplunkRecords, mDeliveryToSplunkBytes, mDeliveryToSplunkSuccess, n, size)
		d.metrics.freshness(mDeliveryToSplunkDataFreshness, age)
	default:
		d.metrics.delivered(mDeliveryToS3Records, mDeliveryToS3Bytes, mDeliveryToS3Success, n, size)
		d.metrics.add(mDeliveryToS3ObjectCount, 1)
		d.metrics.freshness(mDeliveryToS3DataFreshness, age)
	}
}
