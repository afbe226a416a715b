package analytics

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
)

// Row is one row of an in-application stream, as read by a [Reader].
type Row struct {
	Rowtime time.Time
	Columns []string
	Values  []Value
}

// Get returns the value of the named column, or NULL.
func (r Row) Get(column string) Value {
	for i, c := range r.Columns {
		if c == column {
			return r.Values[i]
		}
	}
	return Null
}

// String formats the row as "ROWTIME | v1 | v2 ...".
func (r Row) String() string {
	var b strings.Builder
	b.WriteString(tsMillis(r.Rowtime.UnixMilli()).String())
	for _, v := range r.Values {
		b.WriteString(" | ")
		if v.IsNull() {
			b.WriteString("NULL")
		} else {
			b.WriteString(v.String())
		}
	}
	return b.String()
}

// Reader reads the rows of one in-application stream (including
// error_stream) while the application runs. Rows are buffered until read.
type Reader struct {
	a      *Application
	stream string
	buf    []Row
	notify chan struct{}
	closed bool
}

// Subscribe returns a Reader of the in-application stream name (exact
// case). The stream must exist in the application code when the
// application starts; rows arrive while it runs.
func (a *Application) Subscribe(name string) (*Reader, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, errNotFound(a.name)
	}
	r := &Reader{a: a, stream: name, notify: make(chan struct{})}
	if a.eng != nil {
		s, ok := a.eng.streams[name]
		if !ok || s.table {
			return nil, errorf(ErrResourceNotFoundException, "in-application stream %q not found", name)
		}
		a.attachReaderLocked(r, s)
	}
	a.readers = append(a.readers, r)
	return r, nil
}

func (a *Application) attachReaderLocked(r *Reader, s *inStream) {
	names := make([]string, 0, len(s.cols))
	n := 0
	for _, c := range s.cols {
		if !c.hidden {
			names = append(names, c.name)
			n++
		}
	}
	s.subs = append(s.subs, func(rw row) {
		if r.closed {
			return
		}
		vals := make([]Value, n)
		copy(vals, rw.vals[:n])
		r.buf = append(r.buf, Row{Rowtime: time.UnixMilli(rw.rowtime).UTC(), Columns: names, Values: vals})
		close(r.notify)
		r.notify = make(chan struct{})
	})
}

// Next returns the next row, blocking until one arrives (the clock
// closing a window counts), ctx is done, or the Reader or application is
// closed (ErrResourceNotFoundException).
func (r *Reader) Next(ctx context.Context) (Row, error) {
	for {
		if err := r.a.step(ctx); err != nil {
			return Row{}, err
		}
		a := r.a
		a.mu.Lock()
		if len(r.buf) > 0 {
			row := r.buf[0]
			r.buf[0] = Row{}
			r.buf = r.buf[1:]
			a.mu.Unlock()
			return row, nil
		}
		if r.closed || a.closed {
			a.mu.Unlock()
			return Row{}, errorf(ErrResourceNotFoundException, "reader of %q is closed", r.stream)
		}
		wake := r.notify
		a.mu.Unlock()
		select {
		case <-ctx.Done():
			return Row{}, ctx.Err()
		case <-wake:
		}
	}
}

// TryNext returns the next buffered row without blocking, after catching
// up with the clock.
func (r *Reader) TryNext(ctx context.Context) (Row, bool, error) {
	if err := r.a.step(ctx); err != nil {
		return Row{}, false, err
	}
	r.a.mu.Lock()
	defer r.a.mu.Unlock()
	if len(r.buf) == 0 {
		return Row{}, false, nil
	}
	row := r.buf[0]
	r.buf = r.buf[1:]
	return row, true, nil
}

// Close stops the Reader; a blocked Next returns.
func (r *Reader) Close() {
	r.a.mu.Lock()
	defer r.a.mu.Unlock()
	r.closed = true
	r.buf = nil
	close(r.notify)
	r.notify = make(chan struct{})
}

// wakeLocked wakes every blocked reader.
func (a *Application) wakeLocked() {
	for _, r := range a.readers {
		close(r.notify)
		r.notify = make(chan struct{})
	}
}

// PutRecordsInput is the input of [Application.PutRecords].
type PutRecordsInput struct {
	// InputId names the input; empty means the application's only input.
	InputId string
	Records [][]byte
}

// PutRecords writes records to a GoInput, as a producer writes to the
// Kinesis stream an application reads. Records are kept for the input's
// retention whether or not the application runs; a running application
// reads them at once, stamping ROWTIME from the clock.
func (a *Application) PutRecords(ctx context.Context, in PutRecordsInput) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a.mu.Lock()
	a.catchUpLocked()
	if a.closed || a.deleted {
		a.mu.Unlock()
		return errNotFound(a.name)
	}
	var ai *appInput
	if in.InputId == "" && len(a.inputs) == 1 {
		ai = a.inputs[0]
	} else {
		ai = a.input(in.InputId)
	}
	if ai == nil || ai.cfg.GoInput == nil {
		a.mu.Unlock()
		return errorf(ErrResourceNotFoundException, "GoInput %q not found", in.InputId)
	}
	now := a.mono.Now(a.svc.cfg.clock).UnixMilli()
	for _, rec := range in.Records {
		ai.log = append(ai.log, inputRecord{seq: ai.nextSeq, data: append([]byte(nil), rec...), arrival: now})
		ai.nextSeq++
	}
	ai.trimLocked(now)
	a.mu.Unlock()
	return a.step(ctx)
}

func (ai *appInput) retention() int64 {
	if ai.cfg.GoInput != nil && ai.cfg.GoInput.Retention > 0 {
		return ai.cfg.GoInput.Retention.Milliseconds()
	}
	return (24 * time.Hour).Milliseconds()
}

func (ai *appInput) trimLocked(now int64) {
	i := 0
	for i < len(ai.log) && ai.log[i].arrival < now-ai.retention() {
		i++
	}
	if i > 0 {
		ai.log = append(ai.log[:0], ai.log[i:]...)
	}
	if len(ai.log) > 0 {
		ai.first = ai.log[0].seq
	} else {
		ai.first = ai.nextSeq
	}
	if ai.pos < ai.first {
		ai.pos = ai.first
	}
}

// startEngineLocked builds the engine as the application becomes RUNNING
// and positions each input.
func (a *Application) startEngineLocked() {
	now := a.mono.Now(a.svc.cfg.clock).UnixMilli()
	for _, ai := range a.inputs {
		ai.trimLocked(now)
		if ai.cfg.KinesisStreamsInput != nil {
			ai.log, ai.first, ai.pos = ai.log[:0], ai.nextSeq, ai.nextSeq
			a.startKinesisLocked(ai)
			continue
		}
		if ai.cfg.KinesisFirehoseInput != nil {
			ai.log, ai.first, ai.pos = ai.log[:0], ai.nextSeq, ai.nextSeq
			a.startFirehoseLocked(ai)
			continue
		}
		if ai.start == nil {
			continue
		}
		switch ai.start.InputStartingPosition {
		case StartingPositionNow:
			ai.pos = ai.nextSeq
		case StartingPositionTrimHorizon:
			ai.pos = ai.first
		}
	}
	a.restartEngineLocked()
}

// restartEngineLocked (re)builds the engine from the current
// configuration, keeping input positions.
func (a *Application) restartEngineLocked() {
	e, err := a.buildEngine(a.code, a.refData)
	if err != nil {
		// The configuration was validated; keep the old engine.
		a.svc.cfg.logger.Error("analytics: rebuilding the engine failed", "application", a.name, "err", err)
		return
	}
	now := a.mono.Now(a.svc.cfg.clock).UnixMilli()
	e.start, e.now = now, now
	for _, o := range a.outputs {
		if s, ok := e.streams[o.cfg.Name]; ok && !s.table {
			a.attachOutputLocked(o, s)
		}
	}
	for _, r := range a.readers {
		if s, ok := e.streams[r.stream]; ok && !s.table && !r.closed {
			a.attachReaderLocked(r, s)
		}
	}
	a.eng = e
}

func (a *Application) stopEngineLocked() {
	a.stopInputsLocked()
	a.eng = nil
	a.stopTimerLocked()
}

func (a *Application) attachOutputLocked(o *appOutput, s *inStream) {
	names := make([]string, 0, len(s.cols))
	for _, c := range s.cols {
		if !c.hidden {
			names = append(names, c.name)
		}
	}
	format := o.cfg.DestinationSchema.RecordFormatType
	s.subs = append(s.subs, func(r row) {
		o.queue = append(o.queue, formatRecord(format, names, r.vals[:len(names)]))
	})
}

// formatRecord writes a row as a JSON object (columns in order) or a CSV
// line.
func formatRecord(f RecordFormatType, names []string, vals []Value) []byte {
	var b strings.Builder
	if f == RecordFormatCSV {
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(csvField(v.String()))
		}
		b.WriteByte('\n')
		return []byte(b.String())
	}
	b.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(names[i])
		b.Write(k)
		b.WriteByte(':')
		switch v.k {
		case KindNull:
			b.WriteString("null")
		case KindBigint:
			b.WriteString(strconv.FormatInt(v.i, 10))
		case KindDouble:
			if s := formatDouble(v.f); s == "NaN" || strings.Contains(s, "Infinity") {
				b.WriteString("null")
			} else {
				b.WriteString(s)
			}
		case KindBoolean:
			b.WriteString(strconv.FormatBool(v.i != 0))
		default:
			s, _ := json.Marshal(v.String())
			b.Write(s)
		}
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// runLocked catches the engine up with the clock and reads the inputs that
// need no pre-processing.
func (a *Application) runLocked() {
	if a.eng == nil || a.status != StatusRunning && a.status != StatusUpdating {
		return
	}
	now := a.mono.Now(a.svc.cfg.clock).UnixMilli()
	a.eng.advance(now)
	for _, ai := range a.inputs {
		if ai.cfg.InputProcessingConfiguration != nil {
			continue
		}
		for ai.pos < ai.nextSeq {
			rec := ai.log[ai.pos-ai.first]
			ai.pos++
			a.ingestLocked(ai, rec.data, rec.arrival, now)
		}
		if ai.external() {
			// The stream keeps the records; this log is only a hand-over.
			ai.log, ai.first = ai.log[:0], ai.nextSeq
		}
	}
}

// ingestLocked maps one record into rows of the input's in-application
// streams (round robin over InputParallelism).
func (a *Application) ingestLocked(ai *appInput, data []byte, arrival, now int64) {
	e := a.eng
	e.setNow(now)
	name := ai.names[ai.rr%len(ai.names)]
	ai.rr++
	s := e.streams[name]
	for _, mr := range ai.mapper.mapRecord(data) {
		if mr.err != "" {
			e.errorRaw(errNameConversion, mr.err, tsMillis(e.now), data)
			continue
		}
		vals := append(mr.vals, tsMillis(arrival))
		e.insert(s, row{rowtime: max(e.now, s.last), vals: vals})
	}
}

// preWork is a batch of records for an input's pre-processing function.
type preWork struct {
	ai   *appInput
	fn   Function
	recs []inputRecord
}

func (a *Application) takePreprocessLocked() []preWork {
	if a.eng == nil || a.status != StatusRunning && a.status != StatusUpdating {
		return nil
	}
	var out []preWork
	for _, ai := range a.inputs {
		p := ai.cfg.InputProcessingConfiguration
		if p == nil || ai.pos >= ai.nextSeq {
			continue
		}
		fn, _ := a.svc.function(p.InputLambdaProcessor.ResourceARN)
		recs := append([]inputRecord(nil), ai.log[ai.pos-ai.first:]...)
		ai.pos = ai.nextSeq
		if ai.external() {
			ai.log, ai.first = ai.log[:0], ai.nextSeq
		}
		out = append(out, preWork{ai: ai, fn: fn, recs: recs})
	}
	return out
}

// PreprocessingEvent is the event an input pre-processing function gets.
type PreprocessingEvent struct {
	InvocationID   string                `json:"invocationId"`
	ApplicationARN string                `json:"applicationArn"`
	StreamARN      string                `json:"streamArn"`
	Records        []PreprocessingRecord `json:"records"`
}

// PreprocessingRecord is one record of a [PreprocessingEvent]; Data is the
// raw record (base64 in JSON). Records read from a Kinesis stream carry
// their shard, partition key, sequence number and arrival time.
type PreprocessingRecord struct {
	RecordID                    string                       `json:"recordId"`
	KinesisStreamRecordMetadata *KinesisStreamRecordMetadata `json:"kinesisStreamRecordMetadata,omitempty"`
	Data                        []byte                       `json:"data"`
}

// KinesisStreamRecordMetadata describes where a pre-processed record was
// read; ApproximateArrivalTimestamp is in epoch milliseconds.
type KinesisStreamRecordMetadata struct {
	ShardID                     string `json:"shardId"`
	PartitionKey                string `json:"partitionKey"`
	SequenceNumber              string `json:"sequenceNumber"`
	ApproximateArrivalTimestamp int64  `json:"approximateArrivalTimestamp"`
}

// PreprocessingResponse is what a pre-processing function returns.
type PreprocessingResponse struct {
	Records []PreprocessingResult `json:"records"`
}

// PreprocessingResult is one record's outcome: Result "Ok" (Data enters
// the application), "Dropped", or "ProcessingFailed" (an error_stream row).
type PreprocessingResult struct {
	RecordID string `json:"recordId"`
	Result   string `json:"result"`
	Data     []byte `json:"data"`
}

type preResult struct {
	ai      *appInput
	arrival int64
	data    []byte
	failed  string
}

func (a *Application) preprocess(ctx context.Context, work []preWork) []preResult {
	var out []preResult
	for _, w := range work {
		ev := PreprocessingEvent{ApplicationARN: a.arn}
		if k := w.ai.cfg.KinesisStreamsInput; k != nil {
			ev.StreamARN = k.ResourceARN
		}
		if f := w.ai.cfg.KinesisFirehoseInput; f != nil {
			ev.StreamARN = f.ResourceARN
		}
		a.mu.Lock()
		a.invocSeq++
		ev.InvocationID = a.name + "-" + strconv.FormatInt(a.invocSeq, 10)
		a.mu.Unlock()
		for _, r := range w.recs {
			pr := PreprocessingRecord{RecordID: strconv.FormatInt(r.seq, 10), Data: r.data}
			if r.shard != "" {
				pr.KinesisStreamRecordMetadata = &KinesisStreamRecordMetadata{ShardID: r.shard, PartitionKey: r.partitionKey,
					SequenceNumber: r.sequenceNumber, ApproximateArrivalTimestamp: r.arrival}
			}
			ev.Records = append(ev.Records, pr)
		}
		fail := func(msg string) {
			for _, r := range w.recs {
				out = append(out, preResult{ai: w.ai, arrival: r.arrival, data: r.data, failed: msg})
			}
		}
		if w.fn == nil {
			fail("pre-processing function " + w.ai.cfg.InputProcessingConfiguration.InputLambdaProcessor.ResourceARN + " is not registered")
			continue
		}
		payload, _ := json.Marshal(ev)
		resp, err := w.fn(ctx, payload)
		if err != nil {
			fail("pre-processing function failed: " + err.Error())
			continue
		}
		var pr PreprocessingResponse
		if err := json.Unmarshal(resp, &pr); err != nil {
			fail("pre-processing function returned invalid JSON: " + err.Error())
			continue
		}
		byID := map[string]PreprocessingResult{}
		for _, r := range pr.Records {
			byID[r.RecordID] = r
		}
		for _, r := range w.recs {
			res, ok := byID[strconv.FormatInt(r.seq, 10)]
			switch {
			case !ok:
				out = append(out, preResult{ai: w.ai, arrival: r.arrival, data: r.data, failed: "no result for record " + strconv.FormatInt(r.seq, 10)})
			case res.Result == "Ok":
				out = append(out, preResult{ai: w.ai, arrival: r.arrival, data: res.Data})
			case res.Result == "Dropped":
			default:
				out = append(out, preResult{ai: w.ai, arrival: r.arrival, data: r.data, failed: "pre-processing result " + res.Result})
			}
		}
	}
	return out
}

func (a *Application) ingestProcessedLocked(rs []preResult) {
	if a.eng == nil {
		return
	}
	now := a.mono.Now(a.svc.cfg.clock).UnixMilli()
	for _, r := range rs {
		if r.failed != "" {
			a.eng.setNow(now)
			a.eng.errorRaw(errNameProcessing, r.failed, tsMillis(now), r.data)
			continue
		}
		a.ingestLocked(r.ai, r.data, r.arrival, now)
	}
}

// OutputEvent is the event a Lambda output function gets.
type OutputEvent struct {
	InvocationID   string         `json:"invocationId"`
	ApplicationARN string         `json:"applicationArn"`
	Records        []OutputRecord `json:"records"`
}

// OutputRecord is one output record; Data is the JSON or CSV row (base64
// in JSON).
type OutputRecord struct {
	RecordID                     string                       `json:"recordId"`
	LambdaDeliveryRecordMetadata LambdaDeliveryRecordMetadata `json:"lambdaDeliveryRecordMetadata"`
	Data                         []byte                       `json:"data"`
}

// LambdaDeliveryRecordMetadata counts earlier failed deliveries of a
// record.
type LambdaDeliveryRecordMetadata struct {
	RetryHint int `json:"retryHint"`
}

// OutputResponse is what a Lambda output function returns: per record
// "Ok" or "DeliveryFailed" (retried).
type OutputResponse struct {
	Records []OutputResult `json:"records"`
}

// OutputResult is one record's delivery outcome.
type OutputResult struct {
	RecordID string `json:"recordId"`
	Result   string `json:"result"`
}

type outBatch struct {
	o    *appOutput
	recs [][]byte
}

func (a *Application) takeOutputsLocked(now time.Time) []outBatch {
	var out []outBatch
	for _, o := range a.outputs {
		if len(o.queue) == 0 || now.Before(o.retryAt) {
			continue
		}
		n := min(len(o.queue), 500)
		out = append(out, outBatch{o: o, recs: o.queue[:n:n]})
		o.queue = o.queue[n:]
	}
	return out
}

// deliver sends a batch; it returns the records to retry.
func (a *Application) deliver(ctx context.Context, b outBatch) [][]byte {
	cfg := b.o.cfg
	switch {
	case cfg.LambdaOutput != nil:
		fn, ok := a.svc.function(cfg.LambdaOutput.ResourceARN)
		if !ok {
			return b.recs
		}
		ev := OutputEvent{ApplicationARN: a.arn}
		a.mu.Lock()
		a.invocSeq++
		ev.InvocationID = a.name + "-" + strconv.FormatInt(a.invocSeq, 10)
		a.mu.Unlock()
		for i, r := range b.recs {
			ev.Records = append(ev.Records, OutputRecord{RecordID: strconv.Itoa(i), Data: r})
		}
		payload, _ := json.Marshal(ev)
		resp, err := fn(ctx, payload)
		if err != nil {
			return b.recs
		}
		var or OutputResponse
		if err := json.Unmarshal(resp, &or); err != nil {
			return b.recs
		}
		okIDs := map[string]bool{}
		for _, r := range or.Records {
			if r.Result == "Ok" {
				okIDs[r.RecordID] = true
			}
		}
		var retry [][]byte
		for i, r := range b.recs {
			if !okIDs[strconv.Itoa(i)] {
				retry = append(retry, r)
			}
		}
		return retry
	default:
		arn := ""
		if cfg.KinesisStreamsOutput != nil {
			arn = cfg.KinesisStreamsOutput.ResourceARN
		} else if cfg.KinesisFirehoseOutput != nil {
			arn = cfg.KinesisFirehoseOutput.ResourceARN
		}
		d, ok := a.svc.destination(arn)
		if !ok || d.Deliver(ctx, b.recs) != nil {
			return b.recs
		}
	}
	return nil
}

// step catches up with the clock (status transitions, windows, input
// records, pre-processing), then delivers output records and re-arms the
// timer.
func (a *Application) step(ctx context.Context) error {
	a.ingestMu.Lock()
	defer a.ingestMu.Unlock()
	for {
		a.mu.Lock()
		if a.closed {
			a.mu.Unlock()
			return nil
		}
		a.catchUpLocked()
		a.runLocked()
		work := a.takePreprocessLocked()
		a.mu.Unlock()
		if len(work) == 0 {
			break
		}
		res := a.preprocess(ctx, work)
		a.mu.Lock()
		a.ingestProcessedLocked(res)
		a.mu.Unlock()
	}
	for {
		a.mu.Lock()
		now := a.svc.now()
		batches := a.takeOutputsLocked(now)
		a.mu.Unlock()
		if len(batches) == 0 {
			break
		}
		failed := false
		for _, b := range batches {
			retry := a.deliver(ctx, b)
			if len(retry) > 0 {
				failed = true
				a.mu.Lock()
				b.o.queue = append(retry, b.o.queue...)
				b.o.retryAt = now.Add(a.svc.cfg.retry)
				a.mu.Unlock()
			}
		}
		if failed {
			break
		}
	}
	a.mu.Lock()
	a.armTimerLocked()
	a.mu.Unlock()
	return nil
}

// armTimerLocked keeps one clock timer for the earliest of: a window end,
// the end of a status transition, a delivery retry.
func (a *Application) armTimerLocked() {
	if a.closed {
		return
	}
	var at time.Time
	set := func(t time.Time) {
		if at.IsZero() || t.Before(at) {
			at = t
		}
	}
	if a.transitionalLocked() {
		set(a.until)
	}
	if a.eng != nil {
		if d, ok := a.eng.nextDeadline(); ok {
			set(time.UnixMilli(d))
		}
	}
	for _, o := range a.outputs {
		if len(o.queue) > 0 {
			set(o.retryAt)
		}
	}
	if at.IsZero() {
		a.stopTimerLocked()
		return
	}
	if a.timer != nil && a.timerAt.Equal(at) {
		return
	}
	a.stopTimerLocked()
	d := at.Sub(a.svc.now())
	if d < 0 {
		d = 0
	}
	a.timerAt = at
	var t *clock.Timer
	t = a.svc.cfg.clock.AfterFunc(d, func() {
		a.mu.Lock()
		if a.timer == t {
			a.timer, a.timerAt = nil, time.Time{}
		}
		a.mu.Unlock()
		_ = a.step(context.Background())
	})
	a.timer = t
}

func (a *Application) stopTimerLocked() {
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
		a.timerAt = time.Time{}
	}
}
