package analytics_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicehq/sluice/analytics"
	"github.com/sluicehq/sluice/internal/clock"
)

func tickerSchema() analytics.SourceSchema {
	return analytics.SourceSchema{
		RecordFormat: analytics.RecordFormat{RecordFormatType: analytics.RecordFormatJSON,
			MappingParameters: &analytics.MappingParameters{JSONMappingParameters: &analytics.JSONMappingParameters{RecordRowPath: "$"}}},
		RecordColumns: []analytics.RecordColumn{
			{Name: "TICKER_SYMBOL", SqlType: "VARCHAR(4)", Mapping: "$.ticker"},
			{Name: "PRICE", SqlType: "DOUBLE", Mapping: "$.price"},
		},
	}
}

// A tumbling window in SQL: one row per ticker per minute, emitted when
// the mock clock passes the end of the minute.
func ExampleService_CreateApplication() {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 2, 11, 0, 0, 0, time.UTC))
	svc := analytics.New(analytics.WithClock(mock))
	defer svc.Close()

	_, err := svc.CreateApplication(ctx, analytics.CreateApplicationInput{
		ApplicationName: "tickers",
		ApplicationCode: `
			CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), n INTEGER, avg_price DOUBLE);
			CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM TICKER_SYMBOL, COUNT(*), AVG(PRICE)
			FROM "SOURCE_SQL_STREAM_001" AS s
			GROUP BY TICKER_SYMBOL, STEP(s.ROWTIME BY INTERVAL '60' SECOND);`,
		Inputs: []analytics.Input{{NamePrefix: "SOURCE_SQL_STREAM", GoInput: &analytics.GoInput{}, InputSchema: tickerSchema()}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := svc.DescribeApplication(ctx, analytics.DescribeApplicationInput{ApplicationName: "tickers"})
	err = svc.StartApplication(ctx, analytics.StartApplicationInput{ApplicationName: "tickers",
		InputConfigurations: []analytics.InputConfiguration{{Id: d.ApplicationDetail.InputDescriptions[0].InputId,
			InputStartingPositionConfiguration: analytics.InputStartingPositionConfiguration{
				InputStartingPosition: analytics.StartingPositionNow}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	app, _ := svc.Application("tickers")
	out, _ := app.Subscribe("DESTINATION_SQL_STREAM")
	_ = app.PutRecords(ctx, analytics.PutRecordsInput{Records: [][]byte{
		[]byte(`{"ticker":"AMZN","price":10}`), []byte(`{"ticker":"AMZN","price":20}`), []byte(`{"ticker":"MSFT","price":5}`)}})
	mock.Add(time.Minute)
	for {
		row, ok, _ := out.TryNext(ctx)
		if !ok {
			break
		}
		fmt.Println(row)
	}
	// Output:
	// 2026-01-02 11:01:00.000 | AMZN | 2 | 15.0
	// 2026-01-02 11:01:00.000 | MSFT | 1 | 5.0
}

// The same window without SQL: a Go query over the input stream.
func ExampleApplication_AddQuery() {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 2, 11, 0, 0, 0, time.UTC))
	svc := analytics.New(analytics.WithClock(mock))
	defer svc.Close()

	app, err := svc.Open(ctx, "tickers", analytics.Input{NamePrefix: "SOURCE_SQL_STREAM", GoInput: &analytics.GoInput{},
		InputSchema: tickerSchema()})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := app.AddQuery(ctx, "PER_MINUTE", analytics.Query{
		From: "SOURCE_SQL_STREAM_001",
		Select: []analytics.Column{
			{Name: "TICKER", Expr: analytics.Col("TICKER_SYMBOL")},
			{Name: "MAX_PRICE", Expr: analytics.Max(analytics.Col("PRICE"))},
		},
		GroupBy: []analytics.Expr{analytics.Col("TICKER_SYMBOL")},
		Window:  analytics.Tumbling{Size: time.Minute},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = app.PutRecords(ctx, analytics.PutRecordsInput{Records: [][]byte{
		[]byte(`{"ticker":"AMZN","price":10}`), []byte(`{"ticker":"AMZN","price":20}`)}})
	mock.Add(time.Minute)
	row, ok, _ := r.TryNext(ctx)
	fmt.Println(ok, row.Get("TICKER"), row.Get("MAX_PRICE").Float64(), row.Rowtime.Format(time.TimeOnly))
	// Output:
	// true AMZN 20 11:01:00
}
