package firehose

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math"
	"time"
)

// lane is what a buffer holds: destination records, error-output records
// or source backups.
type lane uint8

const (
	laneMain   lane = iota // records for the destination
	laneError              // JSON lines for the error output, sub = error-output-type
	laneBackup             // source records (S3BackupMode Enabled) or all records (AllData...)
	laneLambda             // records waiting for the Lambda processor
)

// bufKey identifies a buffer: a lane and, for the main lane, a partition.
type bufKey struct {
	lane lane
	sub  string
}

// buffer is one open buffer.
type buffer struct {
	key      bufKey
	openedAt time.Time
	first    time.Time // arrival of the oldest record
	chunks   [][]byte  // the records, concatenated, in blocks of chunkSize
	ends     []int32   // end offset of each record in the concatenation
	// arrivals are each record's arrival, in milliseconds after first,
	// kept where a record can fail after buffering (see keepsArrivals).
	arrivals []int32
	keys     map[string]string
	due      deadline
	// pending holds the records of a laneLambda buffer, with their
	// arrivals and Kinesis metadata.
	pending []inRecord
	size    int // bytes buffered
}

// chunkSize is the size of the blocks a buffer's records are copied into:
// a buffer grows without copying what it holds, and wastes at most a block.
const chunkSize = 64 << 10

// add copies data to the end of the buffer's blocks.
func (b *buffer) add(data []byte) {
	n := len(b.chunks)
	if n == 0 || cap(b.chunks[n-1])-len(b.chunks[n-1]) < len(data) {
		b.chunks = append(b.chunks, make([]byte, 0, max(chunkSize, len(data))))
		n++
	}
	b.chunks[n-1] = append(b.chunks[n-1], data...)
	b.size += len(data)
	b.ends = append(b.ends, int32(b.size))
}

// deadline is an entry of a delivery stream's deadline tree: a buffer's
// interval end or a failed delivery's next attempt.
type deadline struct {
	at  time.Time
	seq uint64
	buf *buffer
	job *job
}

func deadlineLess(a, b deadline) bool {
	if !a.at.Equal(b.at) {
		return a.at.Before(b.at)
	}
	return a.seq < b.seq
}

// keepsArrivals reports whether records can fail after buffering (on
// their way to an HTTP-like destination or in format conversion), where
// each failed record reports its own arrival.
func (c *destination) keepsArrivals() bool {
	switch c.kind {
	case kindHTTP, kindElasticsearch, kindOpenSearch, kindOpenSearchServerless, kindSplunk:
		return true
	}
	return c.convert != nil
}

// limits returns the size and interval of a lane's buffers.
func (c *destination) limits(l lane) (int, time.Duration) {
	switch {
	case l == laneMain:
		return c.size, c.interval
	case l == laneLambda && c.proc != nil:
		return c.proc.lambdaBytes, c.proc.lambdaIntv
	case l == laneLambda:
		// Records processed under a configuration an update replaced.
		return 1 << 20, 60 * time.Second
	case l == laneBackup && c.backup != nil:
		return *c.backup.BufferingHints.SizeInMBs << 20, time.Duration(*c.backup.BufferingHints.IntervalInSeconds) * time.Second
	}
	return c.s3Size, c.s3Intv
}

// appendLocked adds one record to the buffer of key, opening it if
// needed, and returns the jobs of a buffer that reached its size. d.mu
// must be held.
func (d *DeliveryStream) appendLocked(key bufKey, keys map[string]string, data []byte, arrival, now time.Time, jobs []*job) []*job {
	b := d.buffers[key]
	if b == nil {
		b = &buffer{key: key, openedAt: now, first: arrival, keys: keys}
		_, intv := d.dest.limits(key.lane)
		d.seq++
		b.due = deadline{at: now.Add(intv), seq: d.seq, buf: b}
		d.deadlines.ReplaceOrInsert(b.due)
		d.buffers[key] = b
		if key.lane == laneMain && key.sub != "" {
			d.partitions++
		}
	}
	b.add(data)
	if key.lane == laneMain && d.dest.keepsArrivals() {
		b.arrivals = append(b.arrivals, int32(arrival.Sub(b.first).Milliseconds()))
	}
	size, _ := d.dest.limits(key.lane)
	if b.size >= size || key.lane == laneMain && d.dest.kind == kindHTTP && len(b.ends) >= MaxHTTPRecords {
		jobs = append(jobs, d.flushLocked(b, now))
	}
	return jobs
}

// appendRecordLocked adds a record to the Lambda processor's buffer.
// d.mu must be held.
func (d *DeliveryStream) appendRecordLocked(r inRecord, now time.Time, jobs []*job) []*job {
	key := bufKey{lane: laneLambda}
	b := d.buffers[key]
	size, intv := d.dest.limits(laneLambda)
	if b != nil && b.size+len(r.data) > size {
		jobs = append(jobs, d.flushLocked(b, now))
		b = nil
	}
	if b == nil {
		b = &buffer{key: key, openedAt: now, first: r.arrival}
		d.seq++
		b.due = deadline{at: now.Add(intv), seq: d.seq, buf: b}
		d.deadlines.ReplaceOrInsert(b.due)
		d.buffers[key] = b
	}
	b.pending = append(b.pending, r)
	b.size += len(r.data)
	return jobs
}

// flushLocked closes a buffer and returns the job delivering it. d.mu must
// be held.
func (d *DeliveryStream) flushLocked(b *buffer, now time.Time) *job {
	d.deadlines.Delete(b.due)
	d.removeBufferLocked(b)
	return d.newJobLocked(b, now)
}

// removeBufferLocked forgets a buffer. d.mu must be held.
func (d *DeliveryStream) removeBufferLocked(b *buffer) {
	delete(d.buffers, b.key)
	if b.key.lane == laneMain && b.key.sub != "" {
		d.partitions--
	}
}

// MaxActivePartitions is the default quota of dynamic partitions with a
// buffer open at once; records of further partitions go to the error
// output.
const MaxActivePartitions = 500

// MaxHTTPRecords is the most records one HTTP endpoint request carries.
const MaxHTTPRecords = 10000

// catchUpLocked flushes every buffer whose interval ended and collects
// every retry that is due, in deadline order. d.mu must be held.
func (d *DeliveryStream) catchUpLocked(now time.Time) []*job {
	var jobs []*job
	for {
		e, ok := d.deadlines.Min()
		if !ok || e.at.After(now) {
			break
		}
		d.deadlines.DeleteMin()
		if e.buf != nil {
			d.removeBufferLocked(e.buf)
			jobs = append(jobs, d.newJobLocked(e.buf, now))
		} else {
			e.job.scheduled = false
			jobs = append(jobs, e.job)
		}
	}
	return jobs
}

// armLocked points the stream's timer at its earliest deadline. d.mu must
// be held.
func (d *DeliveryStream) armLocked(now time.Time) {
	if d.stopped {
		return
	}
	e, ok := d.deadlines.Min()
	if !ok {
		if d.timer != nil {
			d.timer.Stop()
			d.timer = nil
		}
		return
	}
	if d.timer != nil && d.timerAt.Equal(e.at) {
		return
	}
	if d.timer != nil {
		d.timer.Stop()
	}
	d.timerAt = e.at
	// The delay is from the clock's own Now, not now (which never runs
	// backwards), so the timer fires at e.at even if the clock was set back.
	delay := e.at.Sub(d.svc.cfg.clock.Now())
	if delay <= 0 {
		// Already due (a Kinesis reader can open a buffer at its records'
		// arrival, after the clock moved past its interval): a mock
		// clock's timer would wait for the clock's next step, so flush now.
		d.timer = nil
		d.readers.Go(d.onTimer)
		return
	}
	d.timer = d.svc.cfg.clock.AfterFunc(delay, d.onTimer)
}

// onTimer runs on the clock's goroutine when the earliest deadline comes.
func (d *DeliveryStream) onTimer() {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	d.timer = nil
	now := d.mono.Now(d.svc.cfg.clock)
	jobs := d.catchUpLocked(now)
	d.armLocked(now)
	d.mu.Unlock()
	d.run(jobs)
}

// scheduleLocked puts a job back in the deadline tree for a retry at at.
// d.mu must be held.
func (d *DeliveryStream) scheduleLocked(j *job, at, now time.Time) {
	d.seq++
	j.scheduled = true
	j.due = deadline{at: at, seq: d.seq, job: j}
	d.deadlines.ReplaceOrInsert(j.due)
	d.armLocked(now)
}

// backoff is AWS's retry delay: 1 s · 2^n, ±15 %, at most 120 s.
func (d *DeliveryStream) backoffLocked(attempt int) time.Duration {
	base := math.Min(float64(time.Second)*math.Pow(2, float64(attempt-1)), float64(120*time.Second))
	jitter := 1 + (d.rng.Float64()*0.3 - 0.15)
	return time.Duration(base * jitter)
}

// errorLine is one record of the error output, as AWS writes it.
type errorLine struct {
	AttemptsMade           int    `json:"attemptsMade"`
	ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
	ErrorCode              string `json:"errorCode"`
	ErrorMessage           string `json:"errorMessage"`
	AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
	RawData                string `json:"rawData"`
	LambdaArn              string `json:"lambdaArn,omitempty"`
	EsDocumentID           string `json:"esDocumentId,omitempty"`
	EsIndexName            string `json:"esIndexName,omitempty"`
	EsTypeName             string `json:"esTypeName,omitempty"`
	SubsequenceNumber      *int   `json:"subsequenceNumber,omitempty"`
	DataID                 string `json:"dataId,omitempty"`
}

// failLocked writes failed records to the error lane. d.mu must be held.
func (d *DeliveryStream) failLocked(fs []failedRecord, now time.Time, jobs []*job) []*job {
	for _, f := range fs {
		line := errorLine{
			AttemptsMade:           max(f.attempts, 1),
			ArrivalTimestamp:       f.arrival.UnixMilli(),
			ErrorCode:              f.code,
			ErrorMessage:           f.message,
			AttemptEndingTimestamp: f.at.UnixMilli(),
			RawData:                base64.StdEncoding.EncodeToString(f.raw),
			LambdaArn:              f.lambdaARN,
			EsDocumentID:           f.esID,
			EsIndexName:            f.esIndex,
			EsTypeName:             f.esType,
		}
		if f.errorType == ErrorOutputHTTPEndpointFailed {
			line.SubsequenceNumber = new(0)
			line.DataID = f.dataID
		}
		b, _ := json.Marshal(line)
		if f.errorType == ErrorOutputFormatConversionFailed {
			b = conversionLine(f)
		}
		b = append(b, '\n')
		d.metrics.add(mFailedRecords, 1)
		jobs = d.appendLocked(bufKey{lane: laneError, sub: f.errorType}, nil, b, f.arrival, now, jobs)
	}
	return jobs
}

// recordID renders the id of the n-th record of a stream: 56 decimal
// digits like AWS's.
func recordID(n uint64) string {
	var b [56]byte
	const head = "49546986683135544286507457936321625675700192471156785154"
	copy(b[:36], head)
	for i := 55; i >= 36; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// run performs jobs with no lock held. A failed job is rescheduled.
func (d *DeliveryStream) run(jobs []*job) {
	for _, j := range jobs {
		d.perform(context.Background(), j)
	}
}

// conversionLine is a format-conversion-failed record, whose fields AWS
// names lastErrorCode and lastErrorMessage and which names the table.
func conversionLine(f failedRecord) []byte {
	type table struct {
		CatalogID    string `json:"catalogId"`
		DatabaseName string `json:"databaseName"`
		TableName    string `json:"tableName"`
		Region       string `json:"region"`
		VersionID    string `json:"versionId"`
		CatalogArn   string `json:"catalogArn"`
	}
	line := struct {
		AttemptsMade           int    `json:"attemptsMade"`
		ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
		LastErrorCode          string `json:"lastErrorCode"`
		LastErrorMessage       string `json:"lastErrorMessage"`
		AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
		RawData                string `json:"rawData"`
		SequenceNumber         string `json:"sequenceNumber"`
		SubSequenceNumber      *int   `json:"subSequenceNumber"`
		DataCatalogTable       table  `json:"dataCatalogTable"`
	}{AttemptsMade: max(f.attempts, 1), ArrivalTimestamp: f.arrival.UnixMilli(), LastErrorCode: f.code,
		LastErrorMessage: f.message, AttemptEndingTimestamp: f.at.UnixMilli(),
		RawData: base64.StdEncoding.EncodeToString(f.raw)}
	if t := f.table; t != nil {
		line.DataCatalogTable = table{CatalogID: t.CatalogId, DatabaseName: t.DatabaseName, TableName: t.TableName,
			Region: t.Region, VersionID: t.VersionId}
	}
	b, _ := json.Marshal(line)
	return b
}
