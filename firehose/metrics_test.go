package firehose_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

func TestMetrics(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(1, 60))
		e.put(d, "ab", "cde")
		if _, err := d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("f")}}); err != nil {
			t.Fatal(err)
		}
		e.advance(20 * time.Second)
		m, err := d.Metrics(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{"IncomingRecords": 3, "IncomingBytes": 6, "IncomingPutRequests": 2, "PutRecordBatch.Records": 2,
			"PutRecordBatch.Bytes": 5, "PutRecordBatch.Requests": 1, "PutRecord.Requests": 1, "PutRecord.Bytes": 1,
			"DeliveryToS3.Records": 0, "DeliveryToS3.DataFreshness": 20}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%s = %v, want %v", k, m[k], v)
			}
		}
		e.advance(40 * time.Second)
		m, _ = d.Metrics(e.ctx)
		want = map[string]float64{"DeliveryToS3.Records": 3, "DeliveryToS3.Bytes": 6, "DeliveryToS3.Success": 1, "DeliveryToS3.ObjectCount": 1,
			"DeliveryToS3.DataFreshness": 60}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%s = %v, want %v", k, m[k], v)
			}
		}
	})
}

func TestDataWriter(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(1, 0))
		var w interface {
			PutRecord(context.Context, []byte) error
		} = firehose.DataWriter{Stream: d}
		if err := w.PutRecord(e.ctx, []byte("from sns")); err != nil {
			t.Fatal(err)
		}
		if objs := e.bucket().Objects(""); len(objs) != 1 || string(objs[0].Body) != "from sns" {
			t.Fatalf("objects = %+v", objs)
		}
	})
}

func TestCloudWatchLogsProcessing(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 60)
		c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{
			{Type: firehose.ProcessorDecompression, Parameters: []firehose.ProcessorParameter{{ParameterName: firehose.ParamCompressionFormat, ParameterValue: "GZIP"}}},
			{Type: firehose.ProcessorCloudWatchLogProcessing, Parameters: []firehose.ProcessorParameter{{ParameterName: firehose.ParamDataMessageExtraction, ParameterValue: "true"}}},
			{Type: firehose.ProcessorAppendDelimiterToRecord},
		}}
		d := e.createS3("s", c)
		gz := func(s string) string {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			_, _ = io.WriteString(w, s)
			_ = w.Close()
			return b.String()
		}
		_, err := d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte(gz("x"))}})
		wantErr(t, err, firehose.ErrInvalidSourceException, "Only requests from CloudWatch Logs are supported when CloudWatch Logs decompression is enabled.")
		e.ctx = firehose.FromCloudWatchLogs(e.ctx)
		e.put(d, gz(`{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"m1"},{"id":"2","timestamp":2,"message":"m2"}]}`),
			gz(`{"messageType":"CONTROL_MESSAGE","logEvents":[]}`), "not gzip")
		e.advance(time.Minute)
		if objs := e.bucket().Objects("2026/"); len(objs) != 1 || string(objs[0].Body) != "m1\nm2\n" {
			t.Fatalf("objects = %v", e.bucket().Keys())
		}
		if objs := e.bucket().Objects("decompression-failed/"); len(objs) != 1 {
			t.Fatalf("keys = %v, want one under decompression-failed/", e.bucket().Keys())
		}
	})
}

func TestIntermediateObjects(t *testing.T) {
	s3conf := &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN, Prefix: "stage/",
		BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)}}
	for name, in := range map[string]firehose.CreateDeliveryStreamInput{
		"redshift": {RedshiftDestinationConfiguration: &firehose.RedshiftDestinationConfiguration{RoleARN: roleARN,
			ClusterJDBCURL: "jdbc:redshift://x:5439/db", CopyCommand: &firehose.CopyCommand{DataTableName: "t"}, S3Configuration: s3conf}},
		"snowflake": {SnowflakeDestinationConfiguration: &firehose.SnowflakeDestinationConfiguration{AccountUrl: "https://x.snowflakecomputing.com",
			Database: "d", Schema: "s", Table: "t", RoleARN: roleARN, S3Configuration: s3conf,
			BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)}}},
		"iceberg": {IcebergDestinationConfiguration: &firehose.IcebergDestinationConfiguration{CatalogARN: "arn:aws:glue:us-east-1:123456789012:catalog",
			RoleARN: roleARN, S3Configuration: s3conf, BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)}}},
	} {
		t.Run(name, func(t *testing.T) {
			run(t, func(e *env) {
				in.DeliveryStreamName = "s"
				d := e.create(in)
				e.put(d, "a", "b")
				e.advance(time.Minute)
				if objs := e.bucket().Objects("stage/2026/11/25/11/s-1-"); len(objs) != 1 || string(objs[0].Body) != "ab" {
					t.Fatalf("keys = %v", e.bucket().Keys())
				}
			})
		})
	}
}

// TestHTTPEndpointServer delivers to a real httptest server, GZIP
// content encoding included, on the real clock.
func TestHTTPEndpointServer(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		zr, err := gzip.NewReader(r.Body)
		if err != nil || r.Header.Get("Content-Encoding") != "gzip" {
			http.Error(w, "want gzip", http.StatusBadRequest)
			return
		}
		var body struct {
			RequestID string `json:"requestId"`
			Records   []struct {
				Data []byte `json:"data"`
			} `json:"records"`
		}
		if err := json.NewDecoder(zr).Decode(&body); err != nil || len(body.Records) != 1 {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"requestId": body.RequestID, "timestamp": 1})
		got <- string(body.Records[0].Data)
	}))
	defer srv.Close()
	svc := firehose.New(firehose.WithHTTPClient(srv.Client()))
	defer svc.Close()
	c := httpConf(60)
	c.EndpointConfiguration.Url = srv.URL
	c.BufferingHints = &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(0)}
	c.RequestConfiguration.ContentEncoding = "GZIP"
	out, err := svc.CreateDeliveryStream(context.Background(), firehose.CreateDeliveryStreamInput{DeliveryStreamName: "web", HttpEndpointDestinationConfiguration: c})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := out.DeliveryStream.PutRecord(context.Background(), firehose.PutRecordInput{Record: firehose.Record{Data: []byte("real")}}); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "real" {
		t.Fatalf("endpoint got %q", s)
	}
}
