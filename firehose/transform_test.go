package firehose_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

// lambdaConf is a processing configuration with one Lambda processor.
func lambdaConf(arn string, params ...firehose.ProcessorParameter) *firehose.ProcessingConfiguration {
	return &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{{
		Type: firehose.ProcessorLambda, Parameters: append([]firehose.ProcessorParameter{{ParameterName: firehose.ParamLambdaArn, ParameterValue: arn}}, params...)}}}
}

// upper upper-cases "ok" records, drops "drop" ones and fails "fail" ones.
func upper(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
	var out firehose.TransformResponse
	for _, r := range ev.Records {
		res := firehose.TransformResponseRecord{RecordID: r.RecordID, Result: firehose.ResultOk, Data: []byte(strings.ToUpper(string(r.Data)))}
		switch string(r.Data) {
		case "drop":
			res.Result = firehose.ResultDropped
		case "fail":
			res.Result = firehose.ResultProcessingFailed
		}
		out.Records = append(out.Records, res)
	}
	return out, nil
}

type errorRecord struct {
	AttemptsMade           int    `json:"attemptsMade"`
	ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
	ErrorCode              string `json:"errorCode"`
	ErrorMessage           string `json:"errorMessage"`
	AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
	RawData                string `json:"rawData"`
	LambdaArn              string `json:"lambdaArn"`
}

// errorRecords parses the JSON lines of every object under prefix.
func (e *env) errorRecords(prefix string) []errorRecord {
	e.t.Helper()
	var out []errorRecord
	for _, o := range e.bucket().Objects(prefix) {
		for _, line := range strings.Split(strings.TrimSuffix(string(o.Body), "\n"), "\n") {
			var r errorRecord
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				e.t.Fatalf("error record %q: %v", line, err)
			}
			out = append(out, r)
		}
	}
	return out
}

func TestLambdaTransform(t *testing.T) {
	run(t, func(e *env) {
		arn := e.svc.FunctionARN("upper")
		e.svc.RegisterFunction(arn, upper)
		c := s3(1, 60)
		c.ProcessingConfiguration = lambdaConf(arn)
		d := e.createS3("s", c)
		e.put(d, "a", "drop", "fail", "b")
		e.advance(time.Minute) // the Lambda processor's buffer
		e.advance(time.Minute)
		objs := e.bucket().Objects("2026/")
		if len(objs) != 1 || string(objs[0].Body) != "AB" {
			t.Fatalf("objects = %+v, want one with AB", objs)
		}
		errs := e.errorRecords("processing-failed/")
		if len(errs) != 1 {
			t.Fatalf("error records = %+v", errs)
		}
		r := errs[0]
		if r.RawData != base64.StdEncoding.EncodeToString([]byte("fail")) || r.LambdaArn != arn || r.AttemptsMade != 1 ||
			r.ArrivalTimestamp != epoch.UnixMilli() || r.ErrorCode != "Lambda.ProcessingFailedStatus" {
			t.Errorf("error record = %+v", r)
		}
		keys := e.bucket().Keys()
		sort.Strings(keys)
		if !strings.HasPrefix(keys[1], "processing-failed/2026/11/25/11/s-1-") {
			t.Errorf("error key = %s", keys[1])
		}
	})
}

func TestLambdaGoldenErrorLine(t *testing.T) {
	run(t, func(e *env) {
		arn := e.svc.FunctionARN("f")
		e.svc.RegisterFunction(arn, upper)
		c := s3(1, 60)
		c.ErrorOutputPrefix = "errors/"
		c.ProcessingConfiguration = lambdaConf(arn)
		d := e.createS3("s", c)
		e.put(d, "fail")
		e.advance(time.Minute) // the Lambda processor's buffer
		e.advance(time.Minute)
		objs := e.bucket().Objects("errors/")
		want := `{"attemptsMade":1,"arrivalTimestamp":1795604645000,"errorCode":"Lambda.ProcessingFailedStatus","errorMessage":"ProcessingFailed status set for record","attemptEndingTimestamp":1795604705000,"rawData":"ZmFpbA==","lambdaArn":"arn:aws:lambda:us-east-1:123456789012:function:f"}` + "\n"
		if len(objs) != 1 || string(objs[0].Body) != want {
			t.Fatalf("error objects = %+v\nwant body %s", objs, want)
		}
	})
}

func TestLambdaRecordIDs(t *testing.T) {
	tests := map[string]struct {
		fn   firehose.TransformFunc
		code string
	}{
		"missing": {func(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
			return firehose.TransformResponse{Records: []firehose.TransformResponseRecord{
				{RecordID: ev.Records[0].RecordID, Result: firehose.ResultOk, Data: []byte("kept")}}}, nil
		}, "Lambda.MissingRecordId"},
		"duplicated": {func(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
			return firehose.TransformResponse{Records: []firehose.TransformResponseRecord{
				{RecordID: ev.Records[0].RecordID, Result: firehose.ResultOk, Data: []byte("kept")},
				{RecordID: ev.Records[1].RecordID, Result: firehose.ResultOk, Data: []byte("x")},
				{RecordID: ev.Records[1].RecordID, Result: firehose.ResultOk, Data: []byte("y")}}}, nil
		}, "Lambda.DuplicatedRecordId"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			run(t, func(e *env) {
				arn := e.svc.FunctionARN("f")
				e.svc.RegisterFunction(arn, tt.fn)
				c := s3(1, 60)
				c.ProcessingConfiguration = lambdaConf(arn)
				d := e.createS3("s", c)
				e.put(d, "one", "two")
				e.advance(time.Minute) // the Lambda processor's buffer
				e.advance(time.Minute)
				if objs := e.bucket().Objects("2026/"); len(objs) != 1 || string(objs[0].Body) != "kept" {
					t.Fatalf("objects = %+v", objs)
				}
				errs := e.errorRecords("processing-failed/")
				if len(errs) != 1 || errs[0].ErrorCode != tt.code || errs[0].RawData != base64.StdEncoding.EncodeToString([]byte("two")) {
					t.Fatalf("error records = %+v, want one %s for two", errs, tt.code)
				}
			})
		})
	}
}

func TestLambdaRetries(t *testing.T) {
	for _, tt := range []struct {
		params   []firehose.ProcessorParameter
		attempts int
	}{
		{nil, 4},
		{[]firehose.ProcessorParameter{{ParameterName: firehose.ParamNumberOfRetries, ParameterValue: "1"}}, 2},
	} {
		run(t, func(e *env) {
			calls := 0
			arn := e.svc.FunctionARN("broken")
			e.svc.RegisterFunction(arn, func(context.Context, firehose.TransformEvent) (firehose.TransformResponse, error) {
				calls++
				return firehose.TransformResponse{}, errors.New("boom")
			})
			c := s3(1, 60)
			c.ProcessingConfiguration = lambdaConf(arn, tt.params...)
			d := e.createS3("s", c)
			e.put(d, "a", "b")
			e.advance(time.Minute) // the Lambda processor's buffer
			if calls != 1 {
				t.Errorf("calls = %d at the processor's interval, want 1", calls)
			}
			e.advance(time.Minute) // retries 1 s·2^n apart
			if calls != tt.attempts {
				t.Errorf("calls = %d, want %d", calls, tt.attempts)
			}
			e.advance(time.Minute) // the error output's buffer
			errs := e.errorRecords("processing-failed/")
			if len(errs) != 2 || errs[0].AttemptsMade != tt.attempts || errs[0].ErrorCode != "Lambda.FunctionError" {
				t.Errorf("error records = %+v", errs)
			}
			if n := len(e.bucket().Objects("2026/")); n != 0 {
				t.Errorf("%d objects delivered from a failed batch", n)
			}
		})
	}
}

func TestAppendDelimiterAndDeaggregation(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 60)
		c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{
			{Type: firehose.ProcessorRecordDeAggregation, Parameters: []firehose.ProcessorParameter{{ParameterName: firehose.ParamSubRecordType, ParameterValue: "JSON"}}},
			{Type: firehose.ProcessorAppendDelimiterToRecord},
		}}
		d := e.createS3("s", c)
		e.put(d, `{"a":1}{"a":2}`, `{"a":3}`)
		e.advance(time.Minute)
		objs := e.bucket().Objects("")
		if len(objs) != 1 || string(objs[0].Body) != "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n" {
			t.Fatalf("objects = %+v", objs)
		}
	})
}

func TestDynamicPartitioning(t *testing.T) {
	run(t, func(e *env) {
		c := s3(64, 60)
		c.Prefix = "customer=!{partitionKeyFromQuery:customer}/!{timestamp:yyyy}/"
		c.ErrorOutputPrefix = "errors/!{firehose:error-output-type}/"
		c.DynamicPartitioningConfiguration = &firehose.DynamicPartitioningConfiguration{Enabled: true}
		c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{
			{Type: firehose.ProcessorMetadataExtraction, Parameters: []firehose.ProcessorParameter{
				{ParameterName: firehose.ParamMetadataExtractionQuery, ParameterValue: "{customer:.customer_id}"},
				{ParameterName: firehose.ParamJsonParsingEngine, ParameterValue: "JQ-1.6"}}},
			{Type: firehose.ProcessorAppendDelimiterToRecord},
		}}
		d := e.createS3("s", c)
		e.put(d, `{"customer_id":"a","n":1}`, `{"customer_id":7,"n":2}`, `{"customer_id":"a","n":3}`, `{"n":4}`, `not json`)
		e.advance(time.Minute)
		objs := e.objects(bucketARN)
		var a, seven, errs string
		for k, v := range objs {
			switch {
			case strings.HasPrefix(k, "customer=a/2026/s-1-"):
				a = v
			case strings.HasPrefix(k, "customer=7/2026/s-1-"):
				seven = v
			case strings.HasPrefix(k, "errors/processing-failed/s-1-"):
				errs = v
			default:
				t.Errorf("unexpected key %s", k)
			}
		}
		if a != "{\"customer_id\":\"a\",\"n\":1}\n{\"customer_id\":\"a\",\"n\":3}\n" || seven != "{\"customer_id\":7,\"n\":2}\n" {
			t.Errorf("partitions a=%q 7=%q", a, seven)
		}
		if strings.Count(errs, "\n") != 2 || !strings.Contains(errs, "DynamicPartitioning.MetadataExtractionFailed") {
			t.Errorf("errors = %q", errs)
		}
		// Dynamic partitioning cannot be switched off.
		c2 := s3(64, 60)
		err := e.svc.UpdateDestination(e.ctx, firehose.UpdateDestinationInput{DeliveryStreamName: "s", CurrentDeliveryStreamVersionId: "1",
			DestinationId: firehose.DestinationID, ExtendedS3DestinationUpdate: &firehose.ExtendedS3DestinationConfiguration{
				DynamicPartitioningConfiguration: &firehose.DynamicPartitioningConfiguration{RetryOptions: &firehose.RetryOptions{DurationInSeconds: new(10)}},
				BufferingHints:                   c2.BufferingHints}})
		if err != nil {
			t.Fatalf("a merge keeping dynamic partitioning: %v", err)
		}
	})
}

func TestDynamicPartitioningOnlyAtCreate(t *testing.T) {
	run(t, func(e *env) {
		e.createS3("s", s3(64, 60))
		c := s3(64, 60)
		c.Prefix = "!{partitionKeyFromQuery:k}/"
		c.ErrorOutputPrefix = "e/!{firehose:error-output-type}/"
		c.DynamicPartitioningConfiguration = &firehose.DynamicPartitioningConfiguration{Enabled: true}
		c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{
			{Type: firehose.ProcessorMetadataExtraction, Parameters: []firehose.ProcessorParameter{
				{ParameterName: firehose.ParamMetadataExtractionQuery, ParameterValue: "{k:.k}"},
				{ParameterName: firehose.ParamJsonParsingEngine, ParameterValue: "JQ-1.6"}}}}}
		err := e.svc.UpdateDestination(e.ctx, firehose.UpdateDestinationInput{DeliveryStreamName: "s", CurrentDeliveryStreamVersionId: "1",
			DestinationId: firehose.DestinationID, ExtendedS3DestinationUpdate: c})
		wantErr(t, err, firehose.ErrInvalidArgumentException, "Dynamic partitioning can only be enabled when the delivery stream is created.")
	})
}

func TestLambdaPartitionKeys(t *testing.T) {
	run(t, func(e *env) {
		arn := e.svc.FunctionARN("keys")
		e.svc.RegisterFunction(arn, func(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
			var out firehose.TransformResponse
			for _, r := range ev.Records {
				out.Records = append(out.Records, firehose.TransformResponseRecord{RecordID: r.RecordID, Result: firehose.ResultOk, Data: r.Data,
					Metadata: &firehose.TransformMetadata{PartitionKeys: map[string]string{"first": string(r.Data[:1])}}})
			}
			return out, nil
		})
		c := s3(64, 60)
		c.Prefix = "!{partitionKeyFromLambda:first}/"
		c.ErrorOutputPrefix = "e/!{firehose:error-output-type}/"
		c.DynamicPartitioningConfiguration = &firehose.DynamicPartitioningConfiguration{Enabled: true}
		c.ProcessingConfiguration = lambdaConf(arn)
		d := e.createS3("s", c)
		e.put(d, "apple", "banana", "avocado")
		e.advance(time.Minute) // the Lambda processor's buffer
		e.advance(time.Minute)
		got := map[string]string{}
		for k, v := range e.objects(bucketARN) {
			got[strings.SplitN(k, "/", 2)[0]] = v
		}
		if got["a"] != "appleavocado" || got["b"] != "banana" || len(got) != 2 {
			t.Fatalf("partitions = %v", got)
		}
	})
}

func TestPartitionLimit(t *testing.T) {
	run(t, func(e *env) {
		c := s3(64, 60)
		c.Prefix = "!{partitionKeyFromQuery:k}/"
		c.ErrorOutputPrefix = "errors/!{firehose:error-output-type}/"
		c.DynamicPartitioningConfiguration = &firehose.DynamicPartitioningConfiguration{Enabled: true}
		c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{
			{Type: firehose.ProcessorMetadataExtraction, Parameters: []firehose.ProcessorParameter{
				{ParameterName: firehose.ParamMetadataExtractionQuery, ParameterValue: "{k:.k}"},
				{ParameterName: firehose.ParamJsonParsingEngine, ParameterValue: "JQ-1.6"}}}}}
		d := e.createS3("s", c)
		recs := make([]string, 0, firehose.MaxActivePartitions+1)
		for i := range firehose.MaxActivePartitions + 1 {
			recs = append(recs, `{"k":"`+strconv.Itoa(i)+`"}`)
		}
		e.put(d, recs[:500]...)
		e.put(d, recs[500:]...)
		e.advance(time.Minute)
		m, _ := d.Metrics(e.ctx)
		if m["PartitionCountExceeded"] != 1 || len(e.bucket().Objects("errors/activePartitionExceeded/")) != 1 ||
			e.bucket().Len() != firehose.MaxActivePartitions+1 {
			t.Fatalf("PartitionCountExceeded %v, %d objects", m["PartitionCountExceeded"], e.bucket().Len())
		}
	})
}
