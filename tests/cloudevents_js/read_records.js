// Reads Kafka records (a JSON array of {key, value, headers} on stdin, value as UTF-8 text)
// through the official CloudEvents SDK's Kafka binding and prints, per record, the event it
// found (validated against the CloudEvents 1.0 spec) or the SDK's error.
"use strict";
const { Kafka } = require("cloudevents");

function read(record) {
  try {
    const event = Kafka.toEvent({
      key: record.key,
      value: record.value,
      headers: record.headers,
      body: record.value,
      timestamp: undefined,
    });
    event.validate();
    return { event: event.toJSON() };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const records = JSON.parse(input);
  process.stdout.write(JSON.stringify(records.map(read)));
});
