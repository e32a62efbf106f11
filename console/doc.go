// Package console is localwatch's web console: an [http.Handler] over a
// [localwatch.Account] that shows, the way the AWS console does, what the
// account's services hold — alarms with their graphs and histories, metrics,
// log groups and events (with filter patterns, live tail and Logs Insights
// queries), CloudTrail's event history, AWS Config's resources, timelines and
// compliance, SNS topics and subscriptions, and CloudWatch dashboards.
//
// Pages are rendered on the server with html/template; graphs are SVG drawn
// by the graph package (the renderer behind GetMetricWidgetImage); every
// asset is embedded, so the console works offline. A little JavaScript sorts
// tables, refreshes pages and tails logs; every page works without it.
//
// The console is read-only by default: it calls only the services' read
// operations (and Logs Insights' StartQuery, sent as a POST). With
// Options.AllowActions an alarm's page can also set its state
// (SetAlarmState). Every POST must come from the console's own pages
// (Sec-Fetch-Site or Origin); no GET changes anything. Its reads are not
// recorded by CloudTrail (they would bury the application's own calls); its
// writes are. Everything shown is escaped by html/template; graphs are SVG
// whose texts the renderer escapes. Times are shown in UTC, in ISO 8601
// form.
//
// Mount it at a path of your choice with [Options.Path]:
//
//	mux.Handle("/console/", console.New(acct, console.Options{Path: "/console/"}))
//
// Differences from the AWS console: no sign-in (the embedding application
// guards the path if it must), one write action at most (an alarm's state,
// with AllowActions), and Logs Insights queries run on the account's clock:
// on a manual clock they finish only when the test calls Advance.
package console
