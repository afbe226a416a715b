package firehose_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

func TestDir(t *testing.T) {
	root := t.TempDir()
	dir := firehose.Dir(root)
	if err := dir.PutObject(context.Background(), "a/b/c.gz", []byte("body")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, "a", "b", "c.gz"))
	if err != nil || string(got) != "body" {
		t.Fatalf("file = %q, %v", got, err)
	}
	if err := dir.PutObject(context.Background(), "../escape", []byte("x")); err == nil {
		t.Fatal("a key leaving the directory was written")
	}
}

func TestAccountRegionAndHandles(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(1, 60))
		if d.ARN() != "arn:aws:firehose:eu-central-1:111122223333:deliverystream/s" || d.Name() != "s" {
			t.Fatalf("ARN %s name %s", d.ARN(), d.Name())
		}
		if arn := e.svc.FunctionARN("f"); arn != "arn:aws:lambda:eu-central-1:111122223333:function:f" {
			t.Fatalf("FunctionARN = %s", arn)
		}
		h, err := e.svc.DeliveryStream(e.ctx, "s")
		if err != nil || h != d {
			t.Fatalf("DeliveryStream = %v, %v", h, err)
		}
		_, err = e.svc.DeliveryStream(e.ctx, "nope")
		wantErr(t, err, firehose.ErrResourceNotFoundException, "Firehose nope under account 111122223333 not found.")
	}, firehose.WithAccount("111122223333"), firehose.WithRegion("eu-central-1"))
}

func TestWithFunctionAndClose(t *testing.T) {
	called := false
	arn := "arn:aws:lambda:us-east-1:123456789012:function:opt"
	run(t, func(e *env) {
		c := s3(1, 0)
		c.ProcessingConfiguration = lambdaConf(arn)
		d := e.createS3("s", c)
		e.put(d, "x")
		e.advance(time.Minute)
		if !called {
			t.Fatal("the function given to WithFunction was not called")
		}
		_ = e.svc.Close()
		_, err := e.svc.ListDeliveryStreams(e.ctx, firehose.ListDeliveryStreamsInput{})
		wantErr(t, err, firehose.ErrServiceUnavailableException, "")
		_, err = d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("x")}})
		wantErr(t, err, firehose.ErrResourceNotFoundException, "")
	}, firehose.WithFunction(arn, func(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
		called = true
		return upper(context.Background(), ev)
	}))
}

func TestProcessorValidation(t *testing.T) {
	p := func(typ firehose.ProcessorType, kv ...string) firehose.Processor {
		pr := firehose.Processor{Type: typ}
		for i := 0; i < len(kv); i += 2 {
			pr.Parameters = append(pr.Parameters, firehose.ProcessorParameter{ParameterName: firehose.ProcessorParameterName(kv[i]), ParameterValue: kv[i+1]})
		}
		return pr
	}
	tests := map[string][]firehose.Processor{
		"lambda without arn":     {p(firehose.ProcessorLambda)},
		"retries 301":            {p(firehose.ProcessorLambda, "LambdaArn", "arn", "NumberOfRetries", "301")},
		"buffer 4 MB":            {p(firehose.ProcessorLambda, "LambdaArn", "arn", "BufferSizeInMBs", "4")},
		"interval 30":            {p(firehose.ProcessorLambda, "LambdaArn", "arn", "BufferIntervalInSeconds", "30")},
		"bad jq":                 {p(firehose.ProcessorMetadataExtraction, "MetadataExtractionQuery", "{a:", "JsonParsingEngine", "JQ-1.6")},
		"no engine":              {p(firehose.ProcessorMetadataExtraction, "MetadataExtractionQuery", "{a:.a}")},
		"bad sub-record type":    {p(firehose.ProcessorRecordDeAggregation, "SubRecordType", "XML")},
		"delimited no delimiter": {p(firehose.ProcessorRecordDeAggregation, "SubRecordType", "DELIMITED")},
		"bad decompression":      {p(firehose.ProcessorDecompression, "CompressionFormat", "ZIP")},
		"foreign parameter":      {p(firehose.ProcessorAppendDelimiterToRecord, "LambdaArn", "arn")},
		"twice":                  {p(firehose.ProcessorAppendDelimiterToRecord), p(firehose.ProcessorAppendDelimiterToRecord)},
	}
	for name, procs := range tests {
		t.Run(name, func(t *testing.T) {
			run(t, func(e *env) {
				c := s3(1, 60)
				c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: procs}
				_, err := e.svc.CreateDeliveryStream(e.ctx, firehose.CreateDeliveryStreamInput{DeliveryStreamName: "s", ExtendedS3DestinationConfiguration: c})
				wantErr(t, err, firehose.ErrInvalidArgumentException, "")
			})
		})
	}
	run(t, func(e *env) {
		c := s3(1, 60)
		c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{{Type: "Bogus"}}}
		_, err := e.svc.CreateDeliveryStream(e.ctx, firehose.CreateDeliveryStreamInput{DeliveryStreamName: "s", ExtendedS3DestinationConfiguration: c})
		wantErr(t, err, firehose.ErrValidationException, "")
	})
}

func TestDelimitedDeaggregation(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 60)
		c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{
			{Type: firehose.ProcessorRecordDeAggregation, Parameters: []firehose.ProcessorParameter{
				{ParameterName: firehose.ParamSubRecordType, ParameterValue: "DELIMITED"},
				{ParameterName: firehose.ParamDelimiter, ParameterValue: "fA=="}}}, // "|"
			{Type: firehose.ProcessorAppendDelimiterToRecord, Parameters: []firehose.ProcessorParameter{
				{ParameterName: firehose.ParamDelimiter, ParameterValue: "Ow=="}}}, // ";"
		}}
		d := e.createS3("s", c)
		e.put(d, "a|b||c")
		e.advance(time.Minute)
		if objs := e.bucket().Objects(""); len(objs) != 1 || string(objs[0].Body) != "a;b;c;" {
			t.Fatalf("objects = %+v", objs)
		}
	})
}
