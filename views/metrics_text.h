// MetricsText: Prometheus's text exposition format (version 0.0.4), the
// one writer of /_metrics (views/metrics_handlers.h).
//
// A family is written once, with its HELP and TYPE lines, followed by its
// samples; label values and help texts are escaped as the format says
// (backslash, double quote and newline in a label value; backslash and
// newline in a help text). Names are the caller's constants and must
// match [a-zA-Z_:][a-zA-Z0-9_:]*; they are not checked here.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace wikid {

using MetricLabels =
    std::initializer_list<std::pair<std::string_view, std::string_view>>;

class MetricsText {
 public:
  // "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type,
              std::string_view help);
  void Sample(std::string_view name, MetricLabels labels, int64_t value);
  void Sample(std::string_view name, MetricLabels labels, double value);
  // A histogram's samples: NAME_bucket for each upper bound in `bounds`
  // (cumulative counts from `counts`, which holds one more entry than
  // `bounds`: the observations past the last bound), NAME_bucket with
  // le="+Inf", NAME_sum and NAME_count. `labels` go on each, before le.
  void Histogram(std::string_view name, MetricLabels labels,
                 std::span<const double> bounds,
                 std::span<const int64_t> counts, double sum);

  // The text; the content type to send it with is kContentType.
  const std::string& text() const { return text_; }
  static constexpr char kContentType[] =
      "text/plain; version=0.0.4; charset=utf-8";

 private:
  void Labels(MetricLabels labels, std::string_view le = {});

  std::string text_;
};

// `value` as a label value or help text is written (exposed for tests).
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);

}  // namespace wikid
