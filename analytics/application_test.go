package analytics

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
)

const tickerCode = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM ticker_symbol, price FROM "SOURCE_SQL_STREAM_001" WHERE price > 10;`

func tickerInput() Input {
	return Input{NamePrefix: "SOURCE_SQL_STREAM", GoInput: &GoInput{}, InputSchema: SourceSchema{
		RecordFormat: RecordFormat{RecordFormatType: RecordFormatJSON,
			MappingParameters: &MappingParameters{JSONMappingParameters: &JSONMappingParameters{RecordRowPath: "$"}}},
		RecordEncoding: "UTF-8",
		RecordColumns: []RecordColumn{{Name: "TICKER_SYMBOL", SqlType: "VARCHAR(4)", Mapping: "$.TICKER_SYMBOL"},
			{Name: "PRICE", SqlType: "DOUBLE", Mapping: "$.PRICE"}}}}
}

func newMock() *clock.Mock {
	m := clock.NewMock()
	m.Set(t0)
	return m
}

func TestApplicationLifecycle(t *testing.T) {
	ctx := context.Background()
	mock := newMock()
	svc := New(WithClock(mock))
	defer svc.Close()
	out, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "app", ApplicationCode: tickerCode,
		Inputs: []Input{tickerInput()}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ApplicationSummary.ApplicationARN != "arn:aws:kinesisanalytics:us-east-1:123456789012:application/app" ||
		out.ApplicationSummary.ApplicationStatus != StatusReady {
		t.Fatalf("summary = %+v", out.ApplicationSummary)
	}
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "app"}); !errors.Is(err, ErrResourceInUseException) {
		t.Fatalf("duplicate create: %v", err)
	}
	if _, err := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "nope"}); !errors.Is(err, ErrResourceNotFoundException) {
		t.Fatalf("describe unknown: %v", err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
	det := d.ApplicationDetail
	if det.ApplicationVersionId != 1 || len(det.InputDescriptions) != 1 ||
		strings.Join(det.InputDescriptions[0].InAppStreamNames, ",") != "SOURCE_SQL_STREAM_001" {
		t.Fatalf("detail = %+v", det)
	}
	inputID := det.InputDescriptions[0].InputId
	// Bad code, with a position.
	bad := "CREATE STREAM x (a INTEGER);\nCREATE PUMP p AS INSERT INTO x SELECT STREAM b FROM \"SOURCE_SQL_STREAM_001\";"
	err = svc.UpdateApplication(ctx, UpdateApplicationInput{ApplicationName: "app", CurrentApplicationVersionId: 1,
		ApplicationUpdate: ApplicationUpdate{ApplicationCodeUpdate: &bad}})
	if !errors.Is(err, ErrCodeValidationException) || !strings.Contains(err.Error(), "line 2, column 46") {
		t.Fatalf("bad code: %v", err)
	}
	long := strings.Repeat(" ", MaxApplicationCodeLength+1)
	if err := svc.UpdateApplication(ctx, UpdateApplicationInput{ApplicationName: "app", CurrentApplicationVersionId: 1,
		ApplicationUpdate: ApplicationUpdate{ApplicationCodeUpdate: &long}}); !errors.Is(err, ErrCodeValidationException) {
		t.Fatalf("long code: %v", err)
	}
	// Versions.
	if err := svc.AddApplicationOutput(ctx, AddApplicationOutputInput{ApplicationName: "app", CurrentApplicationVersionId: 1,
		Output: Output{Name: "DESTINATION_SQL_STREAM", DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatJSON},
			LambdaOutput: &LambdaOutput{ResourceARN: "arn:aws:lambda:us-east-1:123456789012:function:sink"}}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddApplicationOutput(ctx, AddApplicationOutputInput{ApplicationName: "app", CurrentApplicationVersionId: 1,
		Output: Output{Name: "X", LambdaOutput: &LambdaOutput{ResourceARN: "f"}, DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatCSV}}}); !errors.Is(err, ErrConcurrentModificationException) {
		t.Fatalf("stale version: %v", err)
	}
	// The function is not registered yet: start fails.
	start := StartApplicationInput{ApplicationName: "app", InputConfigurations: []InputConfiguration{{Id: inputID,
		InputStartingPositionConfiguration: InputStartingPositionConfiguration{InputStartingPosition: StartingPositionNow}}}}
	if err := svc.StartApplication(ctx, start); !errors.Is(err, ErrInvalidApplicationConfigurationException) {
		t.Fatalf("start without function: %v", err)
	}
	var mu sync.Mutex
	var delivered []string
	svc.RegisterFunction("arn:aws:lambda:us-east-1:123456789012:function:sink", func(_ context.Context, ev []byte) ([]byte, error) {
		var oe OutputEvent
		if err := json.Unmarshal(ev, &oe); err != nil {
			return nil, err
		}
		var resp OutputResponse
		mu.Lock()
		for _, r := range oe.Records {
			delivered = append(delivered, string(r.Data))
			resp.Records = append(resp.Records, OutputResult{RecordID: r.RecordID, Result: "Ok"})
		}
		mu.Unlock()
		return json.Marshal(resp)
	})
	if err := svc.StopApplication(ctx, StopApplicationInput{ApplicationName: "app"}); !errors.Is(err, ErrResourceInUseException) {
		t.Fatalf("stop when READY: %v", err)
	}
	if err := svc.StartApplication(ctx, start); err != nil {
		t.Fatal(err)
	}
	if err := svc.StartApplication(ctx, start); !errors.Is(err, ErrResourceInUseException) {
		t.Fatalf("start twice: %v", err)
	}
	d, _ = svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
	if d.ApplicationDetail.ApplicationStatus != StatusRunning || d.ApplicationDetail.ApplicationVersionId != 2 {
		t.Fatalf("after start: %s v%d", d.ApplicationDetail.ApplicationStatus, d.ApplicationDetail.ApplicationVersionId)
	}
	app, _ := svc.Application("app")
	if err := app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{
		[]byte(`{"TICKER_SYMBOL":"AMZN","PRICE":12.5}`), []byte(`{"TICKER_SYMBOL":"QXZ","PRICE":3}`)}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := strings.Join(delivered, "\n")
	mu.Unlock()
	if got != `{"TICKER_SYMBOL":"AMZN","PRICE":12.5}` {
		t.Fatalf("delivered %q", got)
	}
	if err := svc.StopApplication(ctx, StopApplicationInput{ApplicationName: "app"}); err != nil {
		t.Fatal(err)
	}
	// Tags.
	arn := out.ApplicationSummary.ApplicationARN
	if err := svc.TagResource(ctx, TagResourceInput{ResourceARN: arn, Tags: []Tag{{"b", "2"}, {"a", "1"}}}); err != nil {
		t.Fatal(err)
	}
	tags, _ := svc.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceARN: arn})
	if len(tags.Tags) != 2 || tags.Tags[0].Key != "a" {
		t.Fatalf("tags = %+v", tags)
	}
	l, _ := svc.ListApplications(ctx, ListApplicationsInput{})
	if len(l.ApplicationSummaries) != 1 || l.ApplicationSummaries[0].ApplicationStatus != StatusReady {
		t.Fatalf("list = %+v", l)
	}
	if err := svc.DeleteApplication(ctx, DeleteApplicationInput{ApplicationName: "app", CreateTimestamp: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"}); !errors.Is(err, ErrResourceNotFoundException) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestInputParallelismAndValidation(t *testing.T) {
	ctx := context.Background()
	svc := New(WithClock(newMock()))
	in := tickerInput()
	in.InputParallelism = &InputParallelism{Count: 3}
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "p", Inputs: []Input{in}}); err != nil {
		t.Fatal(err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "p"})
	if got := strings.Join(d.ApplicationDetail.InputDescriptions[0].InAppStreamNames, ","); got != "SOURCE_SQL_STREAM_001,SOURCE_SQL_STREAM_002,SOURCE_SQL_STREAM_003" {
		t.Fatalf("names = %s", got)
	}
	in.InputParallelism = &InputParallelism{Count: 65}
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "q", Inputs: []Input{in}}); !errors.Is(err, ErrInvalidArgumentException) {
		t.Fatalf("parallelism 65: %v", err)
	}
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "bad name!"}); !errors.Is(err, ErrInvalidArgumentException) {
		t.Fatalf("bad name: %v", err)
	}
}

// startTicker creates and starts an application reading a GoInput.
func startTicker(t *testing.T, svc *Service, code string, pos InputStartingPosition) *Application {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "app", ApplicationCode: code,
		Inputs: []Input{tickerInput()}}); err != nil {
		t.Fatal(err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
	app, _ := svc.Application("app")
	if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "app", InputConfigurations: []InputConfiguration{{
		Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{InputStartingPosition: pos}}}}); err != nil {
		t.Fatal(err)
	}
	return app
}

func TestClockClosesWindowAndWakesReader(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		mock := newMock()
		svc := New(WithClock(mock))
		defer svc.Close()
		app := startTicker(t, svc, `
			CREATE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), n BIGINT, rt TIMESTAMP);
			CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM ticker_symbol, COUNT(*), CURRENT_ROW_TIMESTAMP FROM "SOURCE_SQL_STREAM_001" AS s
			GROUP BY ticker_symbol, STEP(s.ROWTIME BY INTERVAL '10' SECOND);`, StartingPositionNow)
		r, err := app.Subscribe("DESTINATION_SQL_STREAM")
		if err != nil {
			t.Fatal(err)
		}
		mock.Add(2 * time.Second)
		_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"A","PRICE":1}`), []byte(`{"TICKER_SYMBOL":"A","PRICE":2}`)}})
		got := make(chan Row, 1)
		go func() {
			row, err := r.Next(ctx)
			if err != nil {
				t.Error(err)
			}
			got <- row
		}()
		synctest.Wait()
		select {
		case row := <-got:
			t.Fatalf("row before the window closed: %v", row)
		default:
		}
		mock.Add(8 * time.Second) // the timer for 11:00:10 fires
		synctest.Wait()
		row := <-got
		if row.String() != "2026-01-02 11:00:10.000 | A | 2 | 2026-01-02 11:00:10.000" {
			t.Fatalf("row = %s", row)
		}
	})
}

func TestStartingPositions(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		pos  InputStartingPosition
		want int
	}{{StartingPositionNow, 1}, {StartingPositionTrimHorizon, 3}} {
		mock := newMock()
		svc := New(WithClock(mock))
		if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "app", ApplicationCode: tickerCode,
			Inputs: []Input{tickerInput()}}); err != nil {
			t.Fatal(err)
		}
		app, _ := svc.Application("app")
		_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"A","PRICE":11}`), []byte(`{"TICKER_SYMBOL":"B","PRICE":12}`)}})
		r, _ := app.Subscribe("DESTINATION_SQL_STREAM")
		d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
		if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "app", InputConfigurations: []InputConfiguration{{
			Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{InputStartingPosition: c.pos}}}}); err != nil {
			t.Fatal(err)
		}
		_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"C","PRICE":13}`)}})
		n := 0
		for {
			_, ok, _ := r.TryNext(ctx)
			if !ok {
				break
			}
			n++
		}
		if n != c.want {
			t.Errorf("%s: %d rows, want %d", c.pos, n, c.want)
		}
		svc.Close()
	}
}

func TestCoercionErrorGoesToErrorStream(t *testing.T) {
	ctx := context.Background()
	svc := New(WithClock(newMock()))
	defer svc.Close()
	app := startTicker(t, svc, tickerCode, StartingPositionNow)
	errs, _ := app.Subscribe(ErrorStreamName)
	_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"A","PRICE":"x"}`)}})
	row, ok, _ := errs.TryNext(ctx)
	if !ok || row.Get("ERROR_NAME").String() != errNameConversion ||
		row.Get("DATA_ROW").String() != "7b225449434b45525f53594d424f4c223a2241222c225052494345223a2278227d" {
		t.Fatalf("error row = %v %v", row, ok)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
	if d.ApplicationDetail.ApplicationStatus != StatusRunning {
		t.Fatalf("status %s", d.ApplicationDetail.ApplicationStatus)
	}
}

func TestOutputRetriedUntilAccepted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		mock := newMock()
		svc := New(WithClock(mock), WithRetryInterval(5*time.Second))
		defer svc.Close()
		var mu sync.Mutex
		fails := 2
		var got []string
		svc.RegisterDestination("arn:flaky", DestinationFunc(func(_ context.Context, recs [][]byte) error {
			mu.Lock()
			defer mu.Unlock()
			if fails > 0 {
				fails--
				return errors.New("unavailable")
			}
			for _, r := range recs {
				got = append(got, strings.TrimSpace(string(r)))
			}
			return nil
		}))
		if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "app", ApplicationCode: tickerCode,
			Inputs: []Input{tickerInput()}, Outputs: []Output{{Name: "DESTINATION_SQL_STREAM",
				DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatCSV}, KinesisStreamsOutput: &KinesisStreamsOutput{ResourceARN: "arn:flaky"}}}}); err != nil {
			t.Fatal(err)
		}
		d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
		if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "app", InputConfigurations: []InputConfiguration{{
			Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{
				InputStartingPosition: StartingPositionNow}}}}); err != nil {
			t.Fatal(err)
		}
		app, _ := svc.Application("app")
		_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"A","PRICE":11}`)}})
		_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"B","PRICE":12}`)}})
		check := func(want string) {
			t.Helper()
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(got, ";") != want {
				t.Fatalf("delivered %q, want %q", got, want)
			}
		}
		check("")
		mock.Add(5 * time.Second) // second attempt fails too
		synctest.Wait()
		check("")
		mock.Add(5 * time.Second)
		synctest.Wait()
		check("A,11.0;B,12.0")
	})
}
