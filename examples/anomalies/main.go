// Command anomalies runs a Kinesis Data Analytics SQL application in
// process, on a mock clock: sensor readings come in as JSON, a tumbling
// window averages them per device every 10 seconds into a Firehose delivery
// stream, a stagger window counts each device's burst of readings, a
// sliding window flags a reading far above the device's recent average, a
// random cut forest scores a third device's readings, and a bad reading
// lands in error_stream while the application keeps running. Run it with
//
//	go run ./examples/anomalies
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/sluicehq/sluice/analytics"
	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
)

func main() {
	if err := run(os.Stdout, func() {}); err != nil {
		fmt.Fprintln(os.Stderr, "analytics:", err)
		os.Exit(1)
	}
}

const code = `
-- Average temperature per device, every 10 seconds (a tumbling window).
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (device VARCHAR(8), readings INTEGER, avg_temp DOUBLE);
CREATE OR REPLACE PUMP "AVERAGES" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM device, COUNT(*), AVG(temp)
FROM "SOURCE_SQL_STREAM_001" AS s
GROUP BY device, STEP(s.ROWTIME BY INTERVAL '10' SECOND);

-- Readings per device burst: a window opens at a device's first reading
-- and closes 15 seconds later (a stagger window).
CREATE OR REPLACE STREAM "BURSTS" (device VARCHAR(8), readings INTEGER, max_temp DOUBLE);
CREATE OR REPLACE PUMP "BURST_PUMP" AS INSERT INTO "BURSTS"
SELECT STREAM device, COUNT(*), MAX(temp)
FROM "SOURCE_SQL_STREAM_001"
WINDOWED BY STAGGER (PARTITION BY device RANGE INTERVAL '15' SECOND);

-- A reading 10 degrees above the device's average of the last minute
-- (a sliding window, one row per reading, filtered).
CREATE OR REPLACE STREAM "SPIKES" (device VARCHAR(8), temp DOUBLE, recent_avg DOUBLE);
CREATE OR REPLACE PUMP "SPIKE_PUMP" AS INSERT INTO "SPIKES"
SELECT STREAM device, temp, recent_avg FROM (
  SELECT STREAM device, temp, AVG(temp) OVER w AS recent_avg
  FROM "SOURCE_SQL_STREAM_001"
  WINDOW w AS (PARTITION BY device RANGE INTERVAL '1' MINUTE PRECEDING))
WHERE temp > recent_avg + 10;

-- An anomaly score per reading of device d3 from a random cut forest,
-- keeping the readings that score high.
CREATE OR REPLACE STREAM "ANOMALIES" (device VARCHAR(8), temp DOUBLE, anomaly_score DOUBLE);
CREATE OR REPLACE PUMP "ANOMALY_PUMP" AS INSERT INTO "ANOMALIES"
SELECT STREAM device, temp, ANOMALY_SCORE FROM TABLE(RANDOM_CUT_FOREST(
  CURSOR(SELECT STREAM device, temp FROM "SOURCE_SQL_STREAM_001" WHERE device = 'd3'), 50, 64, 1000, 1))
WHERE ANOMALY_SCORE > 2;
`

// run writes the story to w; settle is called after each clock step so
// the timers it fired have done their work (a test passes synctest.Wait).
func run(w io.Writer, settle func()) error {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 2, 11, 0, 0, 0, time.UTC))
	say := func(format string, args ...any) {
		fmt.Fprintf(w, "[%s] %s\n", mock.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}

	// The tumbling averages go to a Firehose delivery stream writing to an
	// in-memory bucket every 60 seconds.
	fh := firehose.New(firehose.WithClock(mock), firehose.WithRand(rand.NewPCG(1, 2)))
	defer fh.Close()
	created, err := fh.CreateDeliveryStream(ctx, firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: "device-averages",
		ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{
			RoleARN:        "arn:aws:iam::123456789012:role/firehose",
			BucketARN:      "arn:aws:s3:::sensors",
			BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)},
		},
	})
	if err != nil {
		return err
	}

	svc := analytics.New(analytics.WithClock(mock), analytics.WithRand(rand.NewPCG(3, 4)))
	defer svc.Close()
	svc.RegisterDeliveryStream(created.DeliveryStream)
	_, err = svc.CreateApplication(ctx, analytics.CreateApplicationInput{
		ApplicationName: "sensors",
		ApplicationCode: code,
		Inputs: []analytics.Input{{
			NamePrefix: "SOURCE_SQL_STREAM",
			GoInput:    &analytics.GoInput{},
			InputSchema: analytics.SourceSchema{
				RecordFormat: analytics.RecordFormat{RecordFormatType: analytics.RecordFormatJSON,
					MappingParameters: &analytics.MappingParameters{
						JSONMappingParameters: &analytics.JSONMappingParameters{RecordRowPath: "$"}}},
				RecordEncoding: "UTF-8",
				RecordColumns: []analytics.RecordColumn{
					{Name: "DEVICE", SqlType: "VARCHAR(8)", Mapping: "$.device"},
					{Name: "TEMP", SqlType: "DOUBLE", Mapping: "$.temp"},
				},
			},
		}},
		Outputs: []analytics.Output{{
			Name:                  "DESTINATION_SQL_STREAM",
			DestinationSchema:     analytics.DestinationSchema{RecordFormatType: analytics.RecordFormatJSON},
			KinesisFirehoseOutput: &analytics.KinesisFirehoseOutput{ResourceARN: created.DeliveryStream.ARN()},
		}},
	})
	if err != nil {
		return err
	}
	d, err := svc.DescribeApplication(ctx, analytics.DescribeApplicationInput{ApplicationName: "sensors"})
	if err != nil {
		return err
	}
	app, err := svc.Application("sensors")
	if err != nil {
		return err
	}
	readers := map[string]*analytics.Reader{}
	streams := []string{"BURSTS", "SPIKES", "ANOMALIES", analytics.ErrorStreamName}
	for _, name := range streams {
		if readers[name], err = app.Subscribe(name); err != nil {
			return err
		}
	}
	err = svc.StartApplication(ctx, analytics.StartApplicationInput{ApplicationName: "sensors",
		InputConfigurations: []analytics.InputConfiguration{{Id: d.ApplicationDetail.InputDescriptions[0].InputId,
			InputStartingPositionConfiguration: analytics.InputStartingPositionConfiguration{
				InputStartingPosition: analytics.StartingPositionNow}}}})
	if err != nil {
		return err
	}
	say("application %s is RUNNING", d.ApplicationDetail.ApplicationARN)

	drain := func() error {
		for _, name := range streams {
			for {
				row, ok, err := readers[name].TryNext(ctx)
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				if name == analytics.ErrorStreamName {
					say("%s: %s: %s", name, row.Get("ERROR_NAME"), row.Get("MESSAGE"))
					continue
				}
				say("%s: %s", name, row)
			}
		}
		return nil
	}
	readings := []struct {
		after  time.Duration
		record string
	}{
		{1 * time.Second, `{"device":"d1","temp":20.5}`},
		{0, `{"device":"d2","temp":18}`},
		{3 * time.Second, `{"device":"d1","temp":21.5}`},
		{4 * time.Second, `{"device":"d2","temp":"hot"}`},
		{4 * time.Second, `{"device":"d1","temp":22}`},
		{6 * time.Second, `{"device":"d2","temp":19}`},
		{7 * time.Second, `{"device":"d1","temp":35}`},
	}
	for _, r := range readings {
		mock.Add(r.after)
		settle()
		if err := app.PutRecords(ctx, analytics.PutRecordsInput{Records: [][]byte{[]byte(r.record)}}); err != nil {
			return err
		}
		say("put %s", r.record)
		if err := drain(); err != nil {
			return err
		}
	}
	// Device d3 reports every second, steadily but for one reading; the
	// forest scores that reading far above the others.
	for i := range 40 {
		mock.Add(time.Second)
		settle()
		temp := 20 + float64(i%3)*0.25
		if i == 35 {
			temp = 31
		}
		rec := fmt.Sprintf(`{"device":"d3","temp":%g}`, temp)
		if err := app.PutRecords(ctx, analytics.PutRecordsInput{Records: [][]byte{[]byte(rec)}}); err != nil {
			return err
		}
		if err := drain(); err != nil {
			return err
		}
	}
	say("put 40 readings of d3")
	// Time alone closes the remaining windows.
	for range 4 {
		mock.Add(10 * time.Second)
		settle()
		if err := drain(); err != nil {
			return err
		}
	}
	mock.Add(60 * time.Second) // Firehose's buffer interval
	settle()
	bucket := fh.Bucket("arn:aws:s3:::sensors")
	for _, key := range bucket.Keys() {
		body, _ := bucket.Object(key)
		say("s3://sensors/%s:\n%s", key, strings.ReplaceAll(string(body), "}{", "}\n{"))
	}
	return nil
}
