package awsapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"github.com/sluicehq/sluice/analytics"
	"github.com/sluicehq/sluice/awsapi"
	sfirehose "github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

// analyticsEnv is a handler over Kinesis, Firehose and Kinesis Data
// Analytics on a mock clock, with SDK clients pointed at it.
type analyticsEnv struct {
	clock     *clock.Mock
	streams   *stream.Service
	hoses     *sfirehose.Service
	analytics *analytics.Service
	kinesis   *kinesis.Client
	ka        *kinesisanalytics.Client
	http      *http.Client
	base      string
}

// referenceObjects is what reference data sources read.
var referenceObjects = analytics.MemoryObjects{"arn:aws:s3:::ref": {"companies.csv": []byte("AAPL,Apple\nAMZN,Amazon\n")}}

func newAnalyticsEnv(t *testing.T, loopback bool) *analyticsEnv {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	e := &analyticsEnv{clock: mock, base: "http://sluice.local"}
	e.streams = stream.New(stream.WithClock(mock))
	e.hoses = sfirehose.New(sfirehose.WithClock(mock), sfirehose.WithStreams(e.streams))
	e.analytics = analytics.New(analytics.WithClock(mock), analytics.WithStreams(e.streams), analytics.WithFirehose(e.hoses),
		analytics.WithObjects(referenceObjects))
	t.Cleanup(func() { _ = e.analytics.Close(); _ = e.hoses.Close(); _ = e.streams.Close() })
	h := awsapi.New(awsapi.WithAnalytics(e.analytics), awsapi.WithStreams(e.streams), awsapi.WithFirehose(e.hoses))
	if loopback {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		e.base = srv.URL
		e.http = &http.Client{Transport: bufferBodies{srv.Client().Transport}}
	} else {
		e.http = awsapi.HTTPClient(h)
	}
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")
	e.kinesis = kinesis.New(kinesis.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.base), HTTPClient: e.http,
		Credentials: creds, RetryMaxAttempts: 1})
	e.ka = kinesisanalytics.New(kinesisanalytics.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.base), HTTPClient: e.http,
		Credentials: creds, RetryMaxAttempts: 1})
	return e
}

// analyticsTransports runs fn with the in-memory client and over a
// loopback httptest server.
func analyticsTransports(t *testing.T, fn func(t *testing.T, e *analyticsEnv)) {
	t.Helper()
	t.Run("inmemory", func(t *testing.T) { fn(t, newAnalyticsEnv(t, false)) })
	t.Run("loopback", func(t *testing.T) { fn(t, newAnalyticsEnv(t, true)) })
}

// createStream creates an ACTIVE one-shard Kinesis stream and returns it.
func (e *analyticsEnv) createStream(t *testing.T, name string) *stream.Stream {
	t.Helper()
	must(e.streams.CreateStream(ctx, stream.CreateStreamInput{StreamName: name, ShardCount: new(1)}))(t)
	e.clock.Add(time.Minute)
	return must(e.streams.Stream(name))(t)
}

const tickerSQL = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), N BIGINT, AVG_PRICE DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM TICKER, COUNT(*) AS N, AVG(PRICE) AS AVG_PRICE FROM "SOURCE_SQL_STREAM_001"
GROUP BY TICKER, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);`

func tickerSchema() *types.SourceSchema {
	return &types.SourceSchema{
		RecordFormat: &types.RecordFormat{RecordFormatType: types.RecordFormatTypeJson,
			MappingParameters: &types.MappingParameters{JSONMappingParameters: &types.JSONMappingParameters{RecordRowPath: aws.String("$")}}},
		RecordEncoding: aws.String("UTF-8"),
		RecordColumns: []types.RecordColumn{
			{Name: aws.String("TICKER"), SqlType: aws.String("VARCHAR(4)"), Mapping: aws.String("$.ticker")},
			{Name: aws.String("PRICE"), SqlType: aws.String("DOUBLE"), Mapping: aws.String("$.price")},
		}}
}

func TestAnalyticsEveryOperation(t *testing.T) {
	analyticsTransports(t, func(t *testing.T, e *analyticsEnv) {
		c := e.ka
		in := e.createStream(t, "ticks")
		out := e.createStream(t, "averages")
		errs := e.createStream(t, "errors")
		name := aws.String("tickers")

		_, err := c.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{ApplicationName: aws.String("bad"),
			ApplicationCode: aws.String("CREATE STREAM ;")})
		wantAPIError(t, err, "CodeValidationException")
		var cve *types.CodeValidationException
		if !asError(err, &cve) {
			t.Fatalf("err = %T, want *types.CodeValidationException", err)
		}

		created := must(c.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{ApplicationName: name,
			ApplicationDescription: aws.String("averages per minute"), ApplicationCode: aws.String(tickerSQL),
			Inputs: []types.Input{{NamePrefix: aws.String("SOURCE_SQL_STREAM"), InputSchema: tickerSchema(),
				KinesisStreamsInput: &types.KinesisStreamsInput{ResourceARN: aws.String(in.ARN()), RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}},
			Outputs: []types.Output{{Name: aws.String("DESTINATION_SQL_STREAM"),
				DestinationSchema:    &types.DestinationSchema{RecordFormatType: types.RecordFormatTypeJson},
				KinesisStreamsOutput: &types.KinesisStreamsOutput{ResourceARN: aws.String(out.ARN()), RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}},
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}}))(t).ApplicationSummary
		arn := *created.ApplicationARN
		if arn != "arn:aws:kinesisanalytics:us-east-1:123456789012:application/tickers" || created.ApplicationStatus != types.ApplicationStatusReady {
			t.Fatalf("summary = %+v", created)
		}
		describe := func() *types.ApplicationDetail {
			t.Helper()
			return must(c.DescribeApplication(ctx, &kinesisanalytics.DescribeApplicationInput{ApplicationName: name}))(t).ApplicationDetail
		}
		d := describe()
		if *d.ApplicationVersionId != 1 || *d.ApplicationCode != tickerSQL || !d.CreateTimestamp.Equal(e.clock.Now()) ||
			len(d.InputDescriptions) != 1 || len(d.OutputDescriptions) != 1 {
			t.Fatalf("detail = %+v", d)
		}
		input := d.InputDescriptions[0]
		if *input.KinesisStreamsInputDescription.ResourceARN != in.ARN() || len(input.InAppStreamNames) != 1 ||
			input.InAppStreamNames[0] != "SOURCE_SQL_STREAM_001" || *input.InputParallelism.Count != 1 ||
			*input.InputSchema.RecordColumns[1].Mapping != "$.price" {
			t.Fatalf("input = %+v", input)
		}
		if o := d.OutputDescriptions[0]; *o.KinesisStreamsOutputDescription.ResourceARN != out.ARN() || *o.Name != "DESTINATION_SQL_STREAM" ||
			o.DestinationSchema.RecordFormatType != types.RecordFormatTypeJson {
			t.Fatalf("output = %+v", o)
		}
		version := func() *int64 { return describe().ApplicationVersionId }

		// Reference data, logging options and pre-processing: add, update,
		// delete.
		must(c.AddApplicationReferenceDataSource(ctx, &kinesisanalytics.AddApplicationReferenceDataSourceInput{ApplicationName: name,
			CurrentApplicationVersionId: version(), ReferenceDataSource: &types.ReferenceDataSource{TableName: aws.String("COMPANIES"),
				S3ReferenceDataSource: &types.S3ReferenceDataSource{BucketARN: aws.String("arn:aws:s3:::ref"), FileKey: aws.String("companies.csv"),
					ReferenceRoleARN: aws.String("arn:aws:iam::123456789012:role/ka")},
				ReferenceSchema: &types.SourceSchema{RecordFormat: &types.RecordFormat{RecordFormatType: types.RecordFormatTypeCsv,
					MappingParameters: &types.MappingParameters{CSVMappingParameters: &types.CSVMappingParameters{
						RecordRowDelimiter: aws.String("\n"), RecordColumnDelimiter: aws.String(",")}}},
					RecordColumns: []types.RecordColumn{{Name: aws.String("TICKER"), SqlType: aws.String("VARCHAR(4)")},
						{Name: aws.String("COMPANY"), SqlType: aws.String("VARCHAR(16)")}}}}}))(t)
		must(c.AddApplicationCloudWatchLoggingOption(ctx, &kinesisanalytics.AddApplicationCloudWatchLoggingOptionInput{ApplicationName: name,
			CurrentApplicationVersionId: version(), CloudWatchLoggingOption: &types.CloudWatchLoggingOption{
				LogStreamARN: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:ka:log-stream:app"), RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}))(t)
		must(c.AddApplicationInputProcessingConfiguration(ctx, &kinesisanalytics.AddApplicationInputProcessingConfigurationInput{ApplicationName: name,
			CurrentApplicationVersionId: version(), InputId: input.InputId, InputProcessingConfiguration: &types.InputProcessingConfiguration{
				InputLambdaProcessor: &types.InputLambdaProcessor{ResourceARN: aws.String("arn:aws:lambda:us-east-1:123456789012:function:pre"),
					RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}}))(t)
		d = describe()
		if *d.ApplicationVersionId != 4 || len(d.ReferenceDataSourceDescriptions) != 1 || len(d.CloudWatchLoggingOptionDescriptions) != 1 {
			t.Fatalf("detail = %+v", d)
		}
		ref := d.ReferenceDataSourceDescriptions[0]
		if *ref.TableName != "COMPANIES" || *ref.S3ReferenceDataSourceDescription.FileKey != "companies.csv" || len(ref.ReferenceSchema.RecordColumns) != 2 {
			t.Fatalf("reference = %+v", ref)
		}
		if p := d.InputDescriptions[0].InputProcessingConfigurationDescription; p == nil ||
			*p.InputLambdaProcessorDescription.ResourceARN != "arn:aws:lambda:us-east-1:123456789012:function:pre" {
			t.Fatalf("processing = %+v", p)
		}
		_, err = c.UpdateApplication(ctx, &kinesisanalytics.UpdateApplicationInput{ApplicationName: name, CurrentApplicationVersionId: aws.Int64(1),
			ApplicationUpdate: &types.ApplicationUpdate{ApplicationCodeUpdate: aws.String(tickerSQL)}})
		wantAPIError(t, err, "ConcurrentModificationException")
		// Partial updates keep what they do not name.
		must(c.UpdateApplication(ctx, &kinesisanalytics.UpdateApplicationInput{ApplicationName: name, CurrentApplicationVersionId: aws.Int64(4),
			ApplicationUpdate: &types.ApplicationUpdate{ApplicationCodeUpdate: aws.String(tickerSQL + "\n"),
				ReferenceDataSourceUpdates: []types.ReferenceDataSourceUpdate{{ReferenceId: ref.ReferenceId, TableNameUpdate: aws.String("CO"),
					S3ReferenceDataSourceUpdate: &types.S3ReferenceDataSourceUpdate{FileKeyUpdate: aws.String("companies.csv")}}},
				InputUpdates: []types.InputUpdate{{InputId: input.InputId, InputSchemaUpdate: &types.InputSchemaUpdate{
					RecordColumnUpdates: tickerSchema().RecordColumns}}},
				OutputUpdates: []types.OutputUpdate{{OutputId: d.OutputDescriptions[0].OutputId,
					KinesisStreamsOutputUpdate: &types.KinesisStreamsOutputUpdate{ResourceARNUpdate: aws.String(out.ARN())}}}}}))(t)
		d = describe()
		if *d.ApplicationVersionId != 5 || *d.ReferenceDataSourceDescriptions[0].TableName != "CO" ||
			*d.ReferenceDataSourceDescriptions[0].S3ReferenceDataSourceDescription.BucketARN != "arn:aws:s3:::ref" ||
			d.InputDescriptions[0].InputSchema.RecordFormat.RecordFormatType != types.RecordFormatTypeJson ||
			*d.OutputDescriptions[0].KinesisStreamsOutputDescription.RoleARN != "arn:aws:iam::123456789012:role/ka" {
			t.Fatalf("updated detail = %+v", d)
		}
		must(c.DeleteApplicationReferenceDataSource(ctx, &kinesisanalytics.DeleteApplicationReferenceDataSourceInput{ApplicationName: name,
			CurrentApplicationVersionId: version(), ReferenceId: ref.ReferenceId}))(t)
		must(c.DeleteApplicationCloudWatchLoggingOption(ctx, &kinesisanalytics.DeleteApplicationCloudWatchLoggingOptionInput{ApplicationName: name,
			CurrentApplicationVersionId: version(), CloudWatchLoggingOptionId: d.CloudWatchLoggingOptionDescriptions[0].CloudWatchLoggingOptionId}))(t)
		must(c.DeleteApplicationInputProcessingConfiguration(ctx, &kinesisanalytics.DeleteApplicationInputProcessingConfigurationInput{ApplicationName: name,
			CurrentApplicationVersionId: version(), InputId: input.InputId}))(t)
		must(c.AddApplicationOutput(ctx, &kinesisanalytics.AddApplicationOutputInput{ApplicationName: name, CurrentApplicationVersionId: version(),
			Output: &types.Output{Name: aws.String("error_stream"), DestinationSchema: &types.DestinationSchema{RecordFormatType: types.RecordFormatTypeCsv},
				KinesisStreamsOutput: &types.KinesisStreamsOutput{ResourceARN: aws.String(errs.ARN()), RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}}))(t)
		d = describe()
		if len(d.OutputDescriptions) != 2 || len(d.ReferenceDataSourceDescriptions) != 0 || len(d.CloudWatchLoggingOptionDescriptions) != 0 ||
			d.InputDescriptions[0].InputProcessingConfigurationDescription != nil {
			t.Fatalf("detail = %+v", d)
		}
		must(c.DeleteApplicationOutput(ctx, &kinesisanalytics.DeleteApplicationOutputInput{ApplicationName: name,
			CurrentApplicationVersionId: d.ApplicationVersionId, OutputId: d.OutputDescriptions[1].OutputId}))(t)

		// Run it: records written to the input stream before the start are
		// read from TRIM_HORIZON; the window closes when the clock passes
		// its end and the averages reach the output stream.
		app := must(e.analytics.Application("tickers"))(t)
		source := must(app.Subscribe("SOURCE_SQL_STREAM_001"))(t)
		dest := must(app.Subscribe("DESTINATION_SQL_STREAM"))(t)
		for _, rec := range []string{`{"ticker":"AAPL","price":10}`, `{"ticker":"AAPL","price":20}`, `{"ticker":"AMZN","price":7.5}`} {
			must(e.kinesis.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("ticks"), Data: []byte(rec), PartitionKey: aws.String("p")}))(t)
		}
		must(c.StartApplication(ctx, &kinesisanalytics.StartApplicationInput{ApplicationName: name,
			InputConfigurations: []types.InputConfiguration{{Id: input.InputId, InputStartingPositionConfiguration: &types.InputStartingPositionConfiguration{
				InputStartingPosition: types.InputStartingPositionTrimHorizon}}}}))(t)
		d = describe()
		if d.ApplicationStatus != types.ApplicationStatusRunning ||
			d.InputDescriptions[0].InputStartingPositionConfiguration.InputStartingPosition != types.InputStartingPositionTrimHorizon {
			t.Fatalf("started detail = %+v", d)
		}
		for range 3 { // the shard reader has ingested the records
			must(source.Next(ctx))(t)
		}
		e.clock.Add(time.Minute)
		for range 2 { // the window closed and its rows were delivered
			must(dest.Next(ctx))(t)
		}
		shards := must(e.kinesis.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("averages")}))(t).Shards
		it := must(e.kinesis.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("averages"), ShardId: shards[0].ShardId,
			ShardIteratorType: ktypes.ShardIteratorTypeTrimHorizon}))(t).ShardIterator
		recs := must(e.kinesis.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it}))(t).Records
		var got []map[string]any
		for _, r := range recs {
			var m map[string]any
			if err := json.Unmarshal(r.Data, &m); err != nil {
				t.Fatalf("output record %q: %v", r.Data, err)
			}
			got = append(got, m)
		}
		if len(got) != 2 || got[0]["TICKER"] != "AAPL" || got[0]["N"] != 2.0 || got[0]["AVG_PRICE"] != 15.0 ||
			got[1]["TICKER"] != "AMZN" || got[1]["AVG_PRICE"] != 7.5 {
			t.Fatalf("output records = %v", got)
		}
		_, err = c.DeleteApplication(ctx, &kinesisanalytics.DeleteApplicationInput{ApplicationName: name, CreateTimestamp: d.CreateTimestamp})
		if err != nil { // a running application may be deleted
			t.Fatal(err)
		}
		_, err = c.DescribeApplication(ctx, &kinesisanalytics.DescribeApplicationInput{ApplicationName: name})
		wantAPIError(t, err, "ResourceNotFoundException")
		var rnf *types.ResourceNotFoundException
		if !asError(err, &rnf) {
			t.Fatalf("err = %T, want *types.ResourceNotFoundException", err)
		}
	})
}

func TestAnalyticsLifecycleTagsAndDiscovery(t *testing.T) {
	analyticsTransports(t, func(t *testing.T, e *analyticsEnv) {
		c := e.ka
		in := e.createStream(t, "clicks")
		for _, rec := range []string{`{"page":"/a","ms":12}`, `{"page":"/b","ms":7}`} {
			must(e.kinesis.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("clicks"), Data: []byte(rec), PartitionKey: aws.String("p")}))(t)
		}
		disc := must(c.DiscoverInputSchema(ctx, &kinesisanalytics.DiscoverInputSchemaInput{ResourceARN: aws.String(in.ARN()),
			RoleARN:                            aws.String("arn:aws:iam::123456789012:role/ka"),
			InputStartingPositionConfiguration: &types.InputStartingPositionConfiguration{InputStartingPosition: types.InputStartingPositionTrimHorizon}}))(t)
		if disc.InputSchema == nil || len(disc.InputSchema.RecordColumns) != 2 || len(disc.RawInputRecords) != 2 || len(disc.ParsedInputRecords) != 2 ||
			disc.InputSchema.RecordFormat.RecordFormatType != types.RecordFormatTypeJson {
			t.Fatalf("DiscoverInputSchema = %+v", disc)
		}
		_, err := c.DiscoverInputSchema(ctx, &kinesisanalytics.DiscoverInputSchemaInput{ResourceARN: aws.String(e.createStream(t, "empty").ARN()),
			RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")})
		wantAPIError(t, err, "UnableToDetectSchemaException")

		// An application created without input gets one, with the
		// discovered schema.
		name := aws.String("clicks")
		created := must(c.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{ApplicationName: name}))(t)
		arn := created.ApplicationSummary.ApplicationARN
		must(c.AddApplicationInput(ctx, &kinesisanalytics.AddApplicationInputInput{ApplicationName: name, CurrentApplicationVersionId: aws.Int64(1),
			Input: &types.Input{NamePrefix: aws.String("SOURCE_SQL_STREAM"), InputSchema: disc.InputSchema,
				InputParallelism:    &types.InputParallelism{Count: aws.Int32(2)},
				KinesisStreamsInput: &types.KinesisStreamsInput{ResourceARN: aws.String(in.ARN()), RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}}))(t)
		d := must(c.DescribeApplication(ctx, &kinesisanalytics.DescribeApplicationInput{ApplicationName: name}))(t).ApplicationDetail
		if len(d.InputDescriptions) != 1 || len(d.InputDescriptions[0].InAppStreamNames) != 2 || *d.ApplicationVersionId != 2 {
			t.Fatalf("detail = %+v", d)
		}
		_, err = c.AddApplicationInput(ctx, &kinesisanalytics.AddApplicationInputInput{ApplicationName: name, CurrentApplicationVersionId: aws.Int64(2),
			Input: &types.Input{NamePrefix: aws.String("MORE"), InputSchema: disc.InputSchema,
				KinesisStreamsInput: &types.KinesisStreamsInput{ResourceARN: aws.String(in.ARN()), RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}})
		if err == nil {
			t.Fatal("a second input was accepted")
		}

		must(c.StartApplication(ctx, &kinesisanalytics.StartApplicationInput{ApplicationName: name,
			InputConfigurations: []types.InputConfiguration{{Id: d.InputDescriptions[0].InputId, InputStartingPositionConfiguration: &types.InputStartingPositionConfiguration{
				InputStartingPosition: types.InputStartingPositionNow}}}}))(t)
		_, err = c.StartApplication(ctx, &kinesisanalytics.StartApplicationInput{ApplicationName: name,
			InputConfigurations: []types.InputConfiguration{{Id: d.InputDescriptions[0].InputId, InputStartingPositionConfiguration: &types.InputStartingPositionConfiguration{
				InputStartingPosition: types.InputStartingPositionNow}}}})
		wantAPIError(t, err, "ResourceInUseException")
		must(c.StopApplication(ctx, &kinesisanalytics.StopApplicationInput{ApplicationName: name}))(t)
		if s := must(c.DescribeApplication(ctx, &kinesisanalytics.DescribeApplicationInput{ApplicationName: name}))(t).ApplicationDetail.ApplicationStatus; s != types.ApplicationStatusReady {
			t.Fatalf("status after stop = %s", s)
		}

		must(c.TagResource(ctx, &kinesisanalytics.TagResourceInput{ResourceARN: arn, Tags: []types.Tag{{Key: aws.String("b"), Value: aws.String("2")},
			{Key: aws.String("a"), Value: aws.String("")}}}))(t)
		must(c.UntagResource(ctx, &kinesisanalytics.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"b"}}))(t)
		tags := must(c.ListTagsForResource(ctx, &kinesisanalytics.ListTagsForResourceInput{ResourceARN: arn}))(t).Tags
		if len(tags) != 1 || *tags[0].Key != "a" || tags[0].Value == nil || *tags[0].Value != "" {
			t.Fatalf("tags = %+v", tags)
		}
		many := make([]types.Tag, 51)
		for i := range many {
			many[i] = types.Tag{Key: aws.String("k" + string(rune('A'+i%26)) + string(rune('a'+i/26))), Value: aws.String("v")}
		}
		_, err = c.TagResource(ctx, &kinesisanalytics.TagResourceInput{ResourceARN: arn, Tags: many})
		wantAPIError(t, err, "TooManyTagsException")

		must(c.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{ApplicationName: aws.String("another")}))(t)
		_, err = c.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{ApplicationName: aws.String("another")})
		wantAPIError(t, err, "ResourceInUseException")
		page := must(c.ListApplications(ctx, &kinesisanalytics.ListApplicationsInput{Limit: aws.Int32(1)}))(t)
		if len(page.ApplicationSummaries) != 1 || *page.ApplicationSummaries[0].ApplicationName != "another" || !*page.HasMoreApplications {
			t.Fatalf("ListApplications = %+v", page)
		}
		page = must(c.ListApplications(ctx, &kinesisanalytics.ListApplicationsInput{ExclusiveStartApplicationName: aws.String("another")}))(t)
		if len(page.ApplicationSummaries) != 1 || *page.ApplicationSummaries[0].ApplicationName != "clicks" || *page.HasMoreApplications {
			t.Fatalf("ListApplications = %+v", page)
		}

		_, err = c.DeleteApplication(ctx, &kinesisanalytics.DeleteApplicationInput{ApplicationName: name, CreateTimestamp: aws.Time(d.CreateTimestamp.Add(-time.Hour))})
		wantAPIError(t, err, "InvalidArgumentException")
		must(c.DeleteApplication(ctx, &kinesisanalytics.DeleteApplicationInput{ApplicationName: name, CreateTimestamp: d.CreateTimestamp}))(t)
		_, err = c.DeleteApplication(ctx, &kinesisanalytics.DeleteApplicationInput{ApplicationName: name, CreateTimestamp: d.CreateTimestamp})
		wantAPIError(t, err, "ResourceNotFoundException")
	})
}

func TestAnalyticsWireShapes(t *testing.T) {
	e := newAnalyticsEnv(t, false)
	h := awsapi.New(awsapi.WithAnalytics(e.analytics))
	hdr := func(op string) http.Header {
		return http.Header{"X-Amz-Target": {"KinesisAnalytics_20150814." + op}, "Content-Type": {"application/x-amz-json-1.1"}}
	}
	rec := serve(h, http.MethodPost, "/", hdr("CreateApplication"), []byte(`{"ApplicationName":"w"}`))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"ApplicationStatus":"READY"`) {
		t.Fatalf("CreateApplication: %d %s", rec.Code, rec.Body)
	}
	// Timestamps are epoch seconds; empty members are left out.
	rec = serve(h, http.MethodPost, "/", hdr("DescribeApplication"), []byte(`{"ApplicationName":"w"}`))
	want := `"CreateTimestamp":` + jsonEpoch(e.clock.Now())
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) || strings.Contains(rec.Body.String(), `"ApplicationCode"`) {
		t.Fatalf("DescribeApplication: %d %s, want %s", rec.Code, rec.Body, want)
	}
	// botocore sends whole seconds.
	rec = serve(h, http.MethodPost, "/", hdr("DeleteApplication"), []byte(`{"ApplicationName":"w","CreateTimestamp":`+
		jsonEpoch(e.clock.Now().Truncate(time.Second))[:10]+`}`))
	if rec.Code != http.StatusOK {
		t.Fatalf("DeleteApplication: %d %s", rec.Code, rec.Body)
	}
	for _, tc := range []struct{ op, body, code string }{
		{"DescribeApplication", `{"ApplicationName":"nope"}`, "ResourceNotFoundException"},
		{"CreateApplication", `{"ApplicationName":`, "SerializationException"},
		{"CreateApplication", `{"ApplicationName":7}`, "SerializationException"},
		{"CreateApplication", `{"ApplicationName":"bad name!"}`, "InvalidArgumentException"},
		{"Explode", `{}`, "UnknownOperationException"},
		{"UpdateApplication", `{"ApplicationName":"nope","CurrentApplicationVersionId":1,"ApplicationUpdate":{}}`, "ResourceNotFoundException"},
	} {
		rec := serve(h, http.MethodPost, "/", hdr(tc.op), []byte(tc.body))
		var body struct {
			Type string `json:"__type"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusBadRequest || body.Type != tc.code {
			t.Errorf("%s %s: %d %s, want %s", tc.op, tc.body, rec.Code, rec.Body, tc.code)
		}
	}
}

// jsonEpoch formats t as the handler does: epoch seconds with milliseconds.
func jsonEpoch(t time.Time) string {
	b, _ := json.Marshal(float64(t.UnixMilli()) / 1000)
	s := string(b)
	if !strings.Contains(s, ".") {
		s += ".000"
	}
	for len(s)-strings.Index(s, ".") < 4 {
		s += "0"
	}
	return s
}

func FuzzAnalyticsJSON(f *testing.F) {
	const schema = `"InputSchema":{"RecordFormat":{"RecordFormatType":"JSON","MappingParameters":{"JSONMappingParameters":{"RecordRowPath":"$"}}},"RecordColumns":[{"Name":"A","SqlType":"INTEGER","Mapping":"$.a"}]}`
	for _, s := range [][2]string{
		{"CreateApplication", `{"ApplicationName":"a","ApplicationCode":"CREATE STREAM \"D\" (A INTEGER);","Inputs":[{"NamePrefix":"S",` + schema + `,"KinesisStreamsInput":{"ResourceARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s","RoleARN":"r"}}],"Tags":[{"Key":"k","Value":"v"}]}`},
		{"CreateApplication", `{"ApplicationName":"b","Inputs":[{"NamePrefix":"S",` + schema + `,"GoInput":{}}],"Outputs":[{"Name":"D","DestinationSchema":{"RecordFormatType":"CSV"},"KinesisStreamsOutput":{"ResourceARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s","RoleARN":"r"}}]}`},
		{"UpdateApplication", `{"ApplicationName":"app","CurrentApplicationVersionId":1,"ApplicationUpdate":{"ApplicationCodeUpdate":"","InputUpdates":[{"InputId":"1.1","InputSchemaUpdate":{"RecordColumnUpdates":[]}}],"OutputUpdates":[{"OutputId":"1.1","KinesisFirehoseOutputUpdate":{"ResourceARNUpdate":"arn:aws:firehose:us-east-1:123456789012:deliverystream/d"}}]}}`},
		{"StartApplication", `{"ApplicationName":"app","InputConfigurations":[{"Id":"1.1","InputStartingPositionConfiguration":{"InputStartingPosition":"NOW"}}]}`},
		{"DeleteApplication", `{"ApplicationName":"app","CreateTimestamp":1767323045}`},
		{"DiscoverInputSchema", `{"ResourceARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s","RoleARN":"r","S3Configuration":{"BucketARN":"arn:aws:s3:::b","FileKey":"k","RoleARN":"r"}}`},
		{"ListApplications", `{"Limit":0,"ExclusiveStartApplicationName":"zz"}`},
		{"TagResource", `{"ResourceARN":"arn:aws:kinesisanalytics:us-east-1:123456789012:application/app","Tags":[{"Key":"","Value":"v"}]}`},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		synctest.Test(t, func(t *testing.T) {
			clk := clock.New()
			streams := stream.New(stream.WithClock(clk))
			defer streams.Close()
			hoses := sfirehose.New(sfirehose.WithClock(clk), sfirehose.WithStreams(streams))
			defer hoses.Close()
			svc := analytics.New(analytics.WithClock(clk), analytics.WithStreams(streams), analytics.WithObjects(referenceObjects))
			defer svc.Close()
			if _, err := streams.CreateStream(ctx, stream.CreateStreamInput{StreamName: "s", ShardCount: new(1)}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.CreateApplication(ctx, analytics.CreateApplicationInput{ApplicationName: "app"}); err != nil {
				t.Fatal(err)
			}
			h := awsapi.New(awsapi.WithAnalytics(svc), awsapi.WithStreams(streams), awsapi.WithFirehose(hoses), awsapi.WithMaxBodyBytes(1<<16))
			rec := serve(h, http.MethodPost, "/", http.Header{"X-Amz-Target": {"KinesisAnalytics_20150814." + op},
				"Content-Type": {"application/x-amz-json-1.1"}}, body)
			if rec.Code >= 500 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if rec.Code != http.StatusOK && !strings.Contains(rec.Body.String(), "__type") {
				t.Fatalf("error without a code: %d %s", rec.Code, rec.Body)
			}
		})
	})
}

func TestAnalyticsFirehoseInputAndOutput(t *testing.T) {
	analyticsTransports(t, func(t *testing.T, e *analyticsEnv) {
		hose := func(name string) *sfirehose.DeliveryStream {
			t.Helper()
			must(e.hoses.CreateDeliveryStream(ctx, sfirehose.CreateDeliveryStreamInput{DeliveryStreamName: name,
				ExtendedS3DestinationConfiguration: &sfirehose.ExtendedS3DestinationConfiguration{RoleARN: "arn:aws:iam::123456789012:role/f",
					BucketARN: "arn:aws:s3:::" + name, BufferingHints: &sfirehose.BufferingHints{IntervalInSeconds: new(60), SizeInMBs: new(5)}}}))(t)
			e.clock.Add(time.Minute)
			return must(e.hoses.DeliveryStream(ctx, name))(t)
		}
		raw, cooked := hose("raw"), hose("cooked")
		c := e.ka
		name := aws.String("relay")
		must(c.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{ApplicationName: name,
			ApplicationCode: aws.String(`CREATE STREAM "OUT" (TICKER VARCHAR(4), PRICE DOUBLE);
CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM TICKER, PRICE * 2 FROM "SOURCE_SQL_STREAM_001";`),
			Inputs: []types.Input{{NamePrefix: aws.String("SOURCE_SQL_STREAM"), InputSchema: tickerSchema(),
				KinesisFirehoseInput: &types.KinesisFirehoseInput{ResourceARN: aws.String(raw.ARN()), RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}},
			Outputs: []types.Output{{Name: aws.String("OUT"), DestinationSchema: &types.DestinationSchema{RecordFormatType: types.RecordFormatTypeCsv},
				KinesisFirehoseOutput: &types.KinesisFirehoseOutput{ResourceARN: aws.String(cooked.ARN()), RoleARN: aws.String("arn:aws:iam::123456789012:role/ka")}}}}))(t)
		d := must(c.DescribeApplication(ctx, &kinesisanalytics.DescribeApplicationInput{ApplicationName: name}))(t).ApplicationDetail
		if *d.InputDescriptions[0].KinesisFirehoseInputDescription.ResourceARN != raw.ARN() ||
			*d.OutputDescriptions[0].KinesisFirehoseOutputDescription.ResourceARN != cooked.ARN() {
			t.Fatalf("detail = %+v", d)
		}
		// A partial update of the output keeps its ARN.
		must(c.UpdateApplication(ctx, &kinesisanalytics.UpdateApplicationInput{ApplicationName: name, CurrentApplicationVersionId: aws.Int64(1),
			ApplicationUpdate: &types.ApplicationUpdate{OutputUpdates: []types.OutputUpdate{{OutputId: d.OutputDescriptions[0].OutputId,
				KinesisFirehoseOutputUpdate: &types.KinesisFirehoseOutputUpdate{RoleARNUpdate: aws.String("arn:aws:iam::123456789012:role/ka2")}}}}}))(t)
		_, err := c.UpdateApplication(ctx, &kinesisanalytics.UpdateApplicationInput{ApplicationName: name, CurrentApplicationVersionId: aws.Int64(2),
			ApplicationUpdate: &types.ApplicationUpdate{CloudWatchLoggingOptionUpdates: []types.CloudWatchLoggingOptionUpdate{{
				CloudWatchLoggingOptionId: aws.String("1.1"), RoleARNUpdate: aws.String("r")}}}})
		wantAPIError(t, err, "UnsupportedOperationException")

		app := must(e.analytics.Application("relay"))(t)
		out := must(app.Subscribe("OUT"))(t)
		must(c.StartApplication(ctx, &kinesisanalytics.StartApplicationInput{ApplicationName: name,
			InputConfigurations: []types.InputConfiguration{{Id: d.InputDescriptions[0].InputId, InputStartingPositionConfiguration: &types.InputStartingPositionConfiguration{
				InputStartingPosition: types.InputStartingPositionNow}}}}))(t)
		must(raw.PutRecordBatch(ctx, sfirehose.PutRecordBatchInput{Records: []sfirehose.Record{
			{Data: []byte(`{"ticker":"AAPL","price":10}`)}, {Data: []byte(`{"ticker":"AMZN","price":1.5}`)}}}))(t)
		for range 2 { // the rows were produced and delivered
			must(out.Next(ctx))(t)
		}
		e.clock.Add(61 * time.Second) // cooked's buffer interval passes
		// Describing the delivery stream catches up with the clock.
		must(e.hoses.DescribeDeliveryStream(ctx, sfirehose.DescribeDeliveryStreamInput{DeliveryStreamName: "cooked"}))(t)
		objs := e.hoses.Bucket("arn:aws:s3:::cooked").Objects("")
		if len(objs) != 1 || string(objs[0].Body) != "AAPL,20.0\nAMZN,3.0\n" {
			var got []string
			for _, o := range objs {
				got = append(got, string(o.Body))
			}
			t.Fatalf("delivered objects = %q", got)
		}
	})
}
