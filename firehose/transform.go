package firehose

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/itchyny/gojq"
)

// TransformFunc is a Go function standing in for the Lambda function of a
// Lambda processor: it gets the event Firehose invokes Lambda with and
// returns the response Lambda would. An error is an invocation failure
// (retried NumberOfRetries times).
type TransformFunc func(ctx context.Context, event TransformEvent) (TransformResponse, error)

// TransformEvent is the event of a Firehose data transformation.
type TransformEvent struct {
	InvocationID           string                 `json:"invocationId"`
	DeliveryStreamArn      string                 `json:"deliveryStreamArn"`
	SourceKinesisStreamArn string                 `json:"sourceKinesisStreamArn,omitempty"`
	Region                 string                 `json:"region"`
	Records                []TransformEventRecord `json:"records"`
}

// TransformEventRecord is one record of a [TransformEvent]. Data is
// base64 in JSON, as Lambda sees it.
type TransformEventRecord struct {
	RecordID string `json:"recordId"`
	// ApproximateArrivalTimestamp is in milliseconds since the epoch.
	ApproximateArrivalTimestamp int64                  `json:"approximateArrivalTimestamp"`
	Data                        []byte                 `json:"data"`
	KinesisRecordMetadata       *KinesisRecordMetadata `json:"kinesisRecordMetadata,omitempty"`
}

// KinesisRecordMetadata describes the Kinesis record a record of a
// KinesisStreamAsSource delivery stream came from.
type KinesisRecordMetadata struct {
	ShardID                     string `json:"shardId"`
	PartitionKey                string `json:"partitionKey"`
	ApproximateArrivalTimestamp int64  `json:"approximateArrivalTimestamp"`
	SequenceNumber              string `json:"sequenceNumber"`
	SubsequenceNumber           int64  `json:"subsequenceNumber"`
}

// TransformResult is the result of one record of a transformation.
type TransformResult string

// Transformation results.
const (
	// ResultOk: the record was transformed; Data replaces it.
	ResultOk TransformResult = "Ok"
	// ResultDropped: the record is intentionally dropped.
	ResultDropped TransformResult = "Dropped"
	// ResultProcessingFailed: the record goes to the error output.
	ResultProcessingFailed TransformResult = "ProcessingFailed"
)

// TransformResponse is what a transformation returns: every record id of
// the event exactly once.
type TransformResponse struct {
	Records []TransformResponseRecord `json:"records"`
}

// TransformResponseRecord is one record of a [TransformResponse].
type TransformResponseRecord struct {
	RecordID string          `json:"recordId"`
	Result   TransformResult `json:"result"`
	Data     []byte          `json:"data"`
	// Metadata carries the partition keys of dynamic partitioning
	// (!{partitionKeyFromLambda:k}).
	Metadata *TransformMetadata `json:"metadata,omitempty"`
}

// TransformMetadata is the metadata of a transformed record.
type TransformMetadata struct {
	PartitionKeys map[string]string `json:"partitionKeys"`
}

// pipeline is a compiled ProcessingConfiguration.
type pipeline struct {
	decompress  bool
	cwl         bool
	deaggJSON   bool
	deaggDelim  []byte // DELIMITED sub-records
	deagg       bool
	lambdaARN   string
	retries     int
	lambdaBytes int
	lambdaIntv  time.Duration
	jq          *gojq.Code
	jqQuery     string
	delim       []byte
	appendDelim bool
	order       []ProcessorType
}

func (p *pipeline) hasLambda() bool             { return p != nil && p.lambdaARN != "" }
func (p *pipeline) hasMetadataExtraction() bool { return p != nil && p.jq != nil }

// compilePipeline validates a ProcessingConfiguration. A disabled or
// absent one compiles to nil.
func compilePipeline(c *ProcessingConfiguration, kind destKind) (*pipeline, error) {
	if c == nil || !c.Enabled {
		return nil, nil
	}
	p := &pipeline{retries: 3, lambdaBytes: 1 << 20, lambdaIntv: 60 * time.Second}
	if kind == kindSplunk {
		p.lambdaBytes = 256 << 10
	}
	seen := map[ProcessorType]bool{}
	for _, pr := range c.Processors {
		if seen[pr.Type] {
			return nil, errArg("Processor type %s can be specified only once.", pr.Type)
		}
		seen[pr.Type] = true
		params := map[ProcessorParameterName]string{}
		for _, pp := range pr.Parameters {
			params[pp.ParameterName] = pp.ParameterValue
		}
		allowed := map[ProcessorType][]ProcessorParameterName{
			ProcessorLambda: {ParamLambdaArn, ParamNumberOfRetries, ParamRoleArn, ParamBufferSizeInMBs,
				ParamBufferIntervalInSeconds},
			ProcessorMetadataExtraction:      {ParamMetadataExtractionQuery, ParamJsonParsingEngine},
			ProcessorRecordDeAggregation:     {ParamSubRecordType, ParamDelimiter},
			ProcessorAppendDelimiterToRecord: {ParamDelimiter},
			ProcessorDecompression:           {ParamCompressionFormat},
			ProcessorCloudWatchLogProcessing: {ParamDataMessageExtraction},
		}[pr.Type]
		if allowed == nil {
			return nil, errValidation("processingConfiguration.processors.member.type", "'"+string(pr.Type)+"'",
				"Member must satisfy enum value set: [RecordDeAggregation, Decompression, CloudWatchLogProcessing, Lambda, MetadataExtraction, AppendDelimiterToRecord]")
		}
		for name := range params {
			if !slices.Contains(allowed, name) {
				return nil, errArg("Parameter %s is not valid for processor type %s.", name, pr.Type)
			}
		}
		switch pr.Type {
		case ProcessorLambda:
			p.lambdaARN = params[ParamLambdaArn]
			if p.lambdaARN == "" {
				return nil, errArg("LambdaArn is a required parameter for processor type Lambda.")
			}
			if v, ok := params[ParamNumberOfRetries]; ok {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 || n > 300 {
					return nil, errArg("NumberOfRetries must be an integer between 0 and 300.")
				}
				p.retries = n
			}
			if v, ok := params[ParamBufferSizeInMBs]; ok {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil || f < 0.2 || f > 3 {
					return nil, errArg("BufferSizeInMBs must be a number between 0.2 and 3.")
				}
				p.lambdaBytes = int(f * (1 << 20))
			}
			if v, ok := params[ParamBufferIntervalInSeconds]; ok {
				n, err := strconv.Atoi(v)
				if err != nil || n < 60 || n > 900 {
					return nil, errArg("BufferIntervalInSeconds must be an integer between 60 and 900.")
				}
				p.lambdaIntv = time.Duration(n) * time.Second
			}
		case ProcessorMetadataExtraction:
			q := params[ParamMetadataExtractionQuery]
			if e, ok := params[ParamJsonParsingEngine]; !ok || e != "JQ-1.6" {
				return nil, errArg("JsonParsingEngine must be JQ-1.6 for processor type MetadataExtraction.")
			}
			parsed, err := gojq.Parse(q)
			if err != nil {
				return nil, errArg("MetadataExtractionQuery %s is not a valid JQ query: %v", q, err)
			}
			code, err := gojq.Compile(parsed)
			if err != nil {
				return nil, errArg("MetadataExtractionQuery %s is not a valid JQ query: %v", q, err)
			}
			p.jq, p.jqQuery = code, q
		case ProcessorRecordDeAggregation:
			p.deagg = true
			switch params[ParamSubRecordType] {
			case "JSON", "":
				p.deaggJSON = true
			case "DELIMITED":
				d, err := base64.StdEncoding.DecodeString(params[ParamDelimiter])
				if err != nil || len(d) == 0 {
					return nil, errArg("Delimiter must be a non-empty base64 string for SubRecordType DELIMITED.")
				}
				p.deaggDelim = d
			default:
				return nil, errArg("SubRecordType must be JSON or DELIMITED.")
			}
		case ProcessorAppendDelimiterToRecord:
			p.appendDelim = true
			p.delim = []byte("\n")
			if v, ok := params[ParamDelimiter]; ok {
				d, err := base64.StdEncoding.DecodeString(v)
				if err != nil {
					return nil, errArg("Delimiter must be a base64 string.")
				}
				p.delim = d
			}
		case ProcessorDecompression:
			if v, ok := params[ParamCompressionFormat]; ok && v != "GZIP" {
				return nil, errArg("CompressionFormat must be GZIP for processor type Decompression.")
			}
			p.decompress = true
		case ProcessorCloudWatchLogProcessing:
			p.cwl = params[ParamDataMessageExtraction] == "true"
		}
		p.order = append(p.order, pr.Type)
	}
	return p, nil
}

// inRecord is a record entering processing.
type inRecord struct {
	data    []byte
	arrival time.Time
	meta    *KinesisRecordMetadata
}

// outRecord is a processed record, ready for its buffer.
type outRecord struct {
	data      []byte
	arrival   time.Time
	partition string            // canonical partition key ("" without dynamic partitioning)
	keys      map[string]string // partition keys, "q:"/"l:" prefixed
}

// failedRecord is a record that goes to the error output.
type failedRecord struct {
	raw       []byte
	arrival   time.Time
	errorType string
	code      string
	message   string
	attempts  int
	lambdaARN string
	at        time.Time            // attemptEndingTimestamp
	dataID    string               // the HTTP endpoint request id
	table     *SchemaConfiguration // for format-conversion-failed records
	esIndex   string               // for OpenSearch failures
	esType    string
	esID      string
}

// preprocess runs the processors before Lambda (Decompression,
// CloudWatchLogProcessing, RecordDeAggregation) outside any lock.
func (d *DeliveryStream) preprocess(dest *destination, recs []inRecord, now time.Time) ([]inRecord, []failedRecord) {
	p := dest.proc
	var failed []failedRecord
	fail := func(r inRecord, typ, code, msg string) {
		failed = append(failed, failedRecord{raw: r.data, arrival: r.arrival, errorType: typ, code: code, message: msg, at: now})
	}
	if p != nil && p.decompress {
		kept := recs[:0:0]
		for _, r := range recs {
			zr, err := gzip.NewReader(bytes.NewReader(r.data))
			if err == nil {
				var out []byte
				out, err = io.ReadAll(zr)
				r.data = out
			}
			if err != nil {
				fail(r, ErrorOutputDecompressionFailed, "Decompression.InvalidFormat", "The record could not be decompressed with GZIP.")
				continue
			}
			kept = append(kept, r)
		}
		recs = kept
	}
	if p != nil && p.cwl {
		var split []inRecord
		for _, r := range recs {
			msgs, ok := extractLogMessages(r.data)
			if !ok {
				fail(r, ErrorOutputProcessingFailed, "CloudWatchLogProcessing.InvalidFormat", "The record is not a CloudWatch Logs subscription message.")
				continue
			}
			for _, m := range msgs {
				split = append(split, inRecord{data: m, arrival: r.arrival, meta: r.meta})
			}
		}
		recs = split
	}
	if p != nil && p.deagg {
		var split []inRecord
		for _, r := range recs {
			parts, ok := p.splitSubRecords(r.data)
			if !ok {
				fail(r, ErrorOutputProcessingFailed, "DynamicPartitioning.RecordDeAggregationFailed", "The record could not be de-aggregated.")
				continue
			}
			for _, part := range parts {
				split = append(split, inRecord{data: part, arrival: r.arrival, meta: r.meta})
			}
		}
		recs = split
	}
	return recs, failed
}

// transform runs the processors from Lambda on (Lambda,
// MetadataExtraction, the partition keys, AppendDelimiterToRecord) outside
// any lock. attempt counts the Lambda invocations of these records, this
// one included; retry reports an invocation that failed and is to be
// retried (NumberOfRetries), in which case nothing else is returned.
func (d *DeliveryStream) transform(ctx context.Context, dest *destination, recs []inRecord, now time.Time, attempt int) (out []outRecord, failed []failedRecord, retry bool) {
	p := dest.proc
	out = make([]outRecord, 0, len(recs))
	if p != nil && p.lambdaARN != "" {
		var lf []failedRecord
		out, lf, retry = d.invokeOnce(ctx, dest, recs, now, attempt)
		if retry {
			return nil, nil, true
		}
		failed = append(failed, lf...)
	} else {
		for _, r := range recs {
			out = append(out, outRecord{data: r.data, arrival: r.arrival})
		}
	}
	if p != nil && p.jq != nil {
		kept := out[:0]
		for _, r := range out {
			keys, err := p.extract(r.data)
			if err != nil {
				failed = append(failed, failedRecord{raw: r.data, arrival: r.arrival, errorType: ErrorOutputProcessingFailed,
					code: "DynamicPartitioning.MetadataExtractionFailed", message: err.Error(), at: now})
				continue
			}
			if r.keys == nil {
				r.keys = map[string]string{}
			}
			maps.Copy(r.keys, keys)
			kept = append(kept, r)
		}
		out = kept
	}
	if dest.partitioned {
		kept := out[:0]
		for _, r := range out {
			for _, k := range dest.prefix.queryKeys {
				if _, ok := r.keys["q:"+k]; !ok {
					r.keys = nil
				}
			}
			for _, k := range dest.prefix.lambdaKeys {
				if _, ok := r.keys["l:"+k]; !ok {
					r.keys = nil
				}
			}
			if r.keys == nil {
				failed = append(failed, failedRecord{raw: r.data, arrival: r.arrival, errorType: ErrorOutputProcessingFailed,
					code: "DynamicPartitioning.MetadataExtractionFailed", message: "Partition keys required by the Prefix are missing from the record.", at: now})
				continue
			}
			r.partition = canonicalKeys(r.keys)
			kept = append(kept, r)
		}
		out = kept
	}
	if p != nil && p.appendDelim {
		for i := range out {
			out[i].data = append(slices.Clip(out[i].data), p.delim...)
		}
	}
	return out, failed, false
}

// canonicalKeys is a partition's identity: its keys sorted.
func canonicalKeys(keys map[string]string) string {
	var b []byte
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		b = strconv.AppendQuote(b, k)
		b = append(b, '=')
		b = strconv.AppendQuote(b, keys[k])
		b = append(b, ';')
	}
	return string(b)
}

// extract runs the MetadataExtraction query: it must give an object of
// scalar values.
func (p *pipeline) extract(data []byte) (map[string]string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, errors.New("non-JSON record provided")
	}
	v = normalizeNumbers(v)
	iter := p.jq.Run(v)
	res, ok := iter.Next()
	if !ok {
		return nil, fmt.Errorf("the MetadataExtractionQuery returned no result")
	}
	if err, isErr := res.(error); isErr {
		return nil, fmt.Errorf("the MetadataExtractionQuery failed: %v", err)
	}
	obj, isObj := res.(map[string]any)
	if !isObj {
		return nil, fmt.Errorf("the MetadataExtractionQuery must return a JSON object")
	}
	if len(obj) > 50 {
		return nil, fmt.Errorf("the MetadataExtractionQuery returned more than 50 partition keys")
	}
	keys := make(map[string]string, len(obj))
	for k, val := range obj {
		switch x := val.(type) {
		case nil:
			continue
		case string:
			keys["q:"+k] = x
		case bool:
			keys["q:"+k] = strconv.FormatBool(x)
		case int:
			keys["q:"+k] = strconv.Itoa(x)
		case float64:
			keys["q:"+k] = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			b, _ := json.Marshal(x)
			keys["q:"+k] = string(b)
		}
	}
	return keys, nil
}

// normalizeNumbers turns json.Numbers into the int/float64 gojq takes.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.Atoi(string(x)); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	}
	return v
}

// splitSubRecords splits a record into its JSON objects or delimited
// parts (RecordDeAggregation).
func (p *pipeline) splitSubRecords(data []byte) ([][]byte, bool) {
	if !p.deaggJSON {
		var parts [][]byte
		for _, part := range bytes.Split(data, p.deaggDelim) {
			if len(part) > 0 {
				parts = append(parts, part)
			}
		}
		return parts, true
	}
	var parts [][]byte
	dec := json.NewDecoder(bytes.NewReader(data))
	start := int64(0)
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return parts, true
		}
		if err != nil {
			return nil, false
		}
		end := dec.InputOffset()
		parts = append(parts, bytes.TrimSpace(data[start:end]))
		start = end
	}
}

// invokeOnce invokes the Lambda processor's function once on recs. An
// invocation that fails (the function errs, or none is registered under
// the ARN) is to be retried while attempt <= NumberOfRetries; after that
// every record fails.
func (d *DeliveryStream) invokeOnce(ctx context.Context, dest *destination, recs []inRecord, now time.Time, attempt int) ([]outRecord, []failedRecord, bool) {
	p := dest.proc
	d.mu.Lock()
	ev := TransformEvent{InvocationID: newUUID(d.rng), DeliveryStreamArn: d.arn, Region: d.svc.cfg.region,
		Records: make([]TransformEventRecord, len(recs))}
	if d.source != nil {
		ev.SourceKinesisStreamArn = d.source.KinesisStreamARN
	}
	base := d.recordSeq
	d.recordSeq += uint64(len(recs))
	d.mu.Unlock()
	byID := make(map[string]int, len(recs))
	for i, r := range recs {
		id := recordID(base + uint64(i))
		byID[id] = i
		ev.Records[i] = TransformEventRecord{RecordID: id, ApproximateArrivalTimestamp: r.arrival.UnixMilli(),
			Data: r.data, KinesisRecordMetadata: r.meta}
	}
	failAll := func(code, msg string) []failedRecord {
		f := make([]failedRecord, len(recs))
		for i, r := range recs {
			f[i] = failedRecord{raw: r.data, arrival: r.arrival, errorType: ErrorOutputProcessingFailed, code: code,
				message: msg, attempts: attempt, lambdaARN: p.lambdaARN, at: now}
		}
		return f
	}
	attempts := attempt
	var resp TransformResponse
	code, msg := "", ""
	if fn := d.svc.function(p.lambdaARN); fn == nil {
		code, msg = "Lambda.ResourceNotFound", "Function not found: "+p.lambdaARN
	} else if r, err := callTransform(ctx, fn, ev); err != nil {
		code, msg = "Lambda.FunctionError", "The Lambda function was successfully invoked but it returned an error result."
	} else {
		resp = r
	}
	d.metrics.add(mExecuteProcessingSuccess, boolInt(code == ""))
	if code != "" {
		if attempt <= p.retries {
			return nil, nil, true
		}
		return nil, failAll(code, msg), false
	}
	seen := make([]int, len(recs))
	for _, rr := range resp.Records {
		if i, ok := byID[rr.RecordID]; ok {
			seen[i]++
		}
	}
	var out []outRecord
	var failed []failedRecord
	for i, r := range recs {
		switch seen[i] {
		case 0:
			failed = append(failed, failedRecord{raw: r.data, arrival: r.arrival, errorType: ErrorOutputProcessingFailed,
				code: "Lambda.MissingRecordId", message: "One or more record Ids were not returned. Ensure that the Lambda function returns all received record Ids.",
				attempts: attempts, lambdaARN: p.lambdaARN, at: now})
		case 1:
		default:
			failed = append(failed, failedRecord{raw: r.data, arrival: r.arrival, errorType: ErrorOutputProcessingFailed,
				code: "Lambda.DuplicatedRecordId", message: "Multiple records were returned with the same record Id. Ensure that the Lambda function returns unique record Ids for each record.",
				attempts: attempts, lambdaARN: p.lambdaARN, at: now})
		}
	}
	for _, rr := range resp.Records {
		i, ok := byID[rr.RecordID]
		if !ok || seen[i] != 1 {
			continue
		}
		r := recs[i]
		switch rr.Result {
		case ResultOk:
			o := outRecord{data: rr.Data, arrival: r.arrival}
			if rr.Metadata != nil && len(rr.Metadata.PartitionKeys) > 0 {
				o.keys = make(map[string]string, len(rr.Metadata.PartitionKeys))
				for k, v := range rr.Metadata.PartitionKeys {
					o.keys["l:"+k] = v
				}
			}
			out = append(out, o)
		case ResultDropped:
		case ResultProcessingFailed:
			failed = append(failed, failedRecord{raw: r.data, arrival: r.arrival, errorType: ErrorOutputProcessingFailed,
				code: "Lambda.ProcessingFailedStatus", message: "ProcessingFailed status set for record",
				attempts: attempts, lambdaARN: p.lambdaARN, at: now})
		default:
			failed = append(failed, failedRecord{raw: r.data, arrival: r.arrival, errorType: ErrorOutputProcessingFailed,
				code: "Lambda.InvalidResult", message: "Invalid result " + strconv.Quote(string(rr.Result)) + " returned for record",
				attempts: attempts, lambdaARN: p.lambdaARN, at: now})
		}
	}
	return out, failed, false
}

// callTransform calls a user function, turning a panic into an
// invocation error as Lambda would report a crash.
func callTransform(ctx context.Context, fn TransformFunc, ev TransformEvent) (resp TransformResponse, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("function panicked: %v", r)
		}
	}()
	return fn(ctx, ev)
}

// extractLogMessages is DataMessageExtraction: the messages of the log
// events of a CloudWatch Logs DATA_MESSAGE; a CONTROL_MESSAGE has none.
func extractLogMessages(data []byte) ([][]byte, bool) {
	var m struct {
		MessageType string `json:"messageType"`
		LogEvents   []struct {
			Message string `json:"message"`
		} `json:"logEvents"`
	}
	if json.Unmarshal(data, &m) != nil {
		return nil, false
	}
	switch m.MessageType {
	case "CONTROL_MESSAGE":
		return nil, true
	case "DATA_MESSAGE":
	default:
		return nil, false
	}
	out := make([][]byte, len(m.LogEvents))
	for i, e := range m.LogEvents {
		out[i] = []byte(e.Message)
	}
	return out, true
}
