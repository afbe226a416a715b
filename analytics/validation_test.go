package analytics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidationErrors(t *testing.T) {
	ctx := context.Background()
	mock := newMock()
	svc := New(WithClock(mock))
	defer svc.Close()
	svc.RegisterFunction("arn:f", func(context.Context, []byte) ([]byte, error) { return []byte(`{"records":[]}`), nil })
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "v", ApplicationCode: tickerCode,
		Inputs: []Input{tickerInput()}}); err != nil {
		t.Fatal(err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "v"})
	inputID := d.ApplicationDetail.InputDescriptions[0].InputId
	startAt := func(p InputStartingPosition) StartApplicationInput {
		return StartApplicationInput{ApplicationName: "v", InputConfigurations: []InputConfiguration{{Id: inputID,
			InputStartingPositionConfiguration: InputStartingPositionConfiguration{InputStartingPosition: p}}}}
	}
	manyTags := make([]Tag, 51)
	for i := range manyTags {
		manyTags[i] = Tag{Key: strings.Repeat("k", i+1), Value: "v"}
	}
	cases := []struct {
		name string
		err  error
		want *Error
	}{
		{"start without input configurations", svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "v"}), ErrInvalidArgumentException},
		{"bad starting position", svc.StartApplication(ctx, startAt("YESTERDAY")), ErrInvalidArgumentException},
		{"unknown input id", svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "v", InputConfigurations: []InputConfiguration{{Id: "9.1",
			InputStartingPositionConfiguration: InputStartingPositionConfiguration{InputStartingPosition: StartingPositionNow}}}}), ErrResourceNotFoundException},
		{"a second input", svc.AddApplicationInput(ctx, AddApplicationInputInput{ApplicationName: "v", CurrentApplicationVersionId: 1,
			Input: tickerInput()}), ErrLimitExceededException},
		{"output without destination", svc.AddApplicationOutput(ctx, AddApplicationOutputInput{ApplicationName: "v", CurrentApplicationVersionId: 1,
			Output: Output{Name: "X", DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatJSON}}}), ErrInvalidArgumentException},
		{"output with a bad format", svc.AddApplicationOutput(ctx, AddApplicationOutputInput{ApplicationName: "v", CurrentApplicationVersionId: 1,
			Output: Output{Name: "X", LambdaOutput: &LambdaOutput{ResourceARN: "arn:f"}, DestinationSchema: DestinationSchema{RecordFormatType: "XML"}}}), ErrInvalidArgumentException},
		{"version 0", svc.AddApplicationOutput(ctx, AddApplicationOutputInput{ApplicationName: "v"}), ErrInvalidArgumentException},
		{"unknown application", svc.StopApplication(ctx, StopApplicationInput{ApplicationName: "nope"}), ErrResourceNotFoundException},
		{"delete with the wrong timestamp", svc.DeleteApplication(ctx, DeleteApplicationInput{ApplicationName: "v", CreateTimestamp: t0.Add(time.Second)}), ErrInvalidArgumentException},
		{"too many tags", svc.TagResource(ctx, TagResourceInput{ResourceARN: svc.arn("v"), Tags: manyTags}), ErrTooManyTagsException},
		{"tag an unknown ARN", svc.TagResource(ctx, TagResourceInput{ResourceARN: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/x", Tags: []Tag{{"a", "b"}}}), ErrResourceNotFoundException},
		{"reference source without object store", svc.AddApplicationReferenceDataSource(ctx, AddApplicationReferenceDataSourceInput{ApplicationName: "v",
			CurrentApplicationVersionId: 1, ReferenceDataSource: ReferenceDataSource{TableName: "T",
				S3ReferenceDataSource: S3ReferenceDataSource{BucketARN: "arn:aws:s3:::b", FileKey: "k"}}}), ErrResourceNotFoundException},
		{"firehose input without a firehose service", func() error {
			in := tickerInput()
			in.GoInput, in.KinesisFirehoseInput = nil, &KinesisFirehoseInput{ResourceARN: "arn:aws:firehose:us-east-1:123456789012:deliverystream/x"}
			_, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "fh", Inputs: []Input{in}})
			return err
		}(), ErrInvalidArgumentException},
		{"kinesis input without a stream service", func() error {
			in := tickerInput()
			in.GoInput, in.KinesisStreamsInput = nil, &KinesisStreamsInput{ResourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/x"}
			_, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "ks", Inputs: []Input{in}})
			return err
		}(), ErrInvalidArgumentException},
		{"list limit", func() error { _, err := svc.ListApplications(ctx, ListApplicationsInput{Limit: 51}); return err }(), ErrInvalidArgumentException},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: %v, want %s", c.name, c.err, c.want.Code)
		}
	}
	// An output naming a stream the code does not create.
	if err := svc.AddApplicationOutput(ctx, AddApplicationOutputInput{ApplicationName: "v", CurrentApplicationVersionId: 1,
		Output: Output{Name: "destination_sql_stream", LambdaOutput: &LambdaOutput{ResourceARN: "arn:f"},
			DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatCSV}}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.StartApplication(ctx, startAt(StartingPositionNow)); !errors.Is(err, ErrInvalidApplicationConfigurationException) {
		t.Fatalf("output naming a missing stream: %v", err)
	}
}

func TestApproximateArrivalTime(t *testing.T) {
	ctx := context.Background()
	mock := newMock()
	svc := New(WithClock(mock))
	defer svc.Close()
	app := startTicker(t, svc, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (arrived TIMESTAMP, t VARCHAR(4));
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM APPROXIMATE_ARRIVAL_TIME, TICKER_SYMBOL FROM "SOURCE_SQL_STREAM_001";`, StartingPositionTrimHorizon)
	_ = svc.StopApplication(ctx, StopApplicationInput{ApplicationName: "app"})
	_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"A","PRICE":1}`)}})
	r, _ := app.Subscribe("DESTINATION_SQL_STREAM")
	mock.Add(time.Minute)
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
	if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "app", InputConfigurations: []InputConfiguration{{
		Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{
			InputStartingPosition: StartingPositionLastStoppedPoint}}}}); err != nil {
		t.Fatal(err)
	}
	row, ok, _ := r.TryNext(ctx)
	// Read a minute after it arrived: ROWTIME is the reading, the arrival
	// time is kept.
	if !ok || row.String() != "2026-01-02 11:01:00.000 | 2026-01-02 11:00:00.000 | A" {
		t.Fatalf("row %v %v", row, ok)
	}
}

func TestCloudWatchLoggingOptions(t *testing.T) {
	ctx := context.Background()
	svc := New(WithClock(newMock()))
	defer svc.Close()
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "l",
		CloudWatchLoggingOptions: []CloudWatchLoggingOption{{LogStreamARN: "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", RoleARN: "arn:aws:iam::123456789012:role/r"}}}); err != nil {
		t.Fatal(err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "l"})
	opts := d.ApplicationDetail.CloudWatchLoggingOptionDescriptions
	if len(opts) != 1 {
		t.Fatalf("options %+v", opts)
	}
	if err := svc.DeleteApplicationCloudWatchLoggingOption(ctx, DeleteApplicationCloudWatchLoggingOptionInput{ApplicationName: "l",
		CurrentApplicationVersionId: 1, CloudWatchLoggingOptionId: opts[0].CloudWatchLoggingOptionId}); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddApplicationCloudWatchLoggingOption(ctx, AddApplicationCloudWatchLoggingOptionInput{ApplicationName: "l",
		CurrentApplicationVersionId: 2, CloudWatchLoggingOption: CloudWatchLoggingOption{LogStreamARN: "x", RoleARN: "y"}}); err != nil {
		t.Fatal(err)
	}
	d, _ = svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "l"})
	if d.ApplicationDetail.ApplicationVersionId != 3 || len(d.ApplicationDetail.CloudWatchLoggingOptionDescriptions) != 1 {
		t.Fatalf("detail %+v", d.ApplicationDetail)
	}
}

func TestUpdateOutputDestination(t *testing.T) {
	ctx := context.Background()
	svc := New(WithClock(newMock()))
	defer svc.Close()
	var a, b []string
	svc.RegisterDestination("arn:a", DestinationFunc(func(_ context.Context, recs [][]byte) error {
		for _, r := range recs {
			a = append(a, string(r))
		}
		return nil
	}))
	svc.RegisterDestination("arn:b", DestinationFunc(func(_ context.Context, recs [][]byte) error {
		for _, r := range recs {
			b = append(b, string(r))
		}
		return nil
	}))
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "app", ApplicationCode: tickerCode, Inputs: []Input{tickerInput()},
		Outputs: []Output{{Name: "DESTINATION_SQL_STREAM", DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatCSV},
			KinesisStreamsOutput: &KinesisStreamsOutput{ResourceARN: "arn:a"}}}}); err != nil {
		t.Fatal(err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
	det := d.ApplicationDetail
	if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "app", InputConfigurations: []InputConfiguration{{
		Id: det.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{InputStartingPosition: StartingPositionNow}}}}); err != nil {
		t.Fatal(err)
	}
	app, _ := svc.Application("app")
	_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"A","PRICE":11}`)}})
	if err := svc.UpdateApplication(ctx, UpdateApplicationInput{ApplicationName: "app", CurrentApplicationVersionId: 1,
		ApplicationUpdate: ApplicationUpdate{OutputUpdates: []OutputUpdate{{OutputId: det.OutputDescriptions[0].OutputId,
			KinesisFirehoseOutputUpdate: &KinesisFirehoseOutput{ResourceARN: "arn:b"}}}}}); err != nil {
		t.Fatal(err)
	}
	_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"B","PRICE":12}`)}})
	if strings.Join(a, "") != "A,11.0\n" || strings.Join(b, "") != "B,12.0\n" {
		t.Fatalf("a=%q b=%q", a, b)
	}
}
