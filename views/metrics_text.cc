#include "views/metrics_text.h"

#include <charconv>
#include <cmath>

namespace wikid {
namespace {

// `text` with backslash and newline escaped, and double quotes too when
// `quotes` (a label value; a help text keeps them).
std::string Escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || (quotes && c == '"')) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The shortest text that reads back as `value`; NaN and the infinities as
// the format spells them.
std::string NumberText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  return Escape(value, true);
}
std::string EscapeHelp(std::string_view help) { return Escape(help, false); }

void MetricsText::Family(std::string_view name, std::string_view type,
                         std::string_view help) {
  text_.append("# HELP ")
      .append(name)
      .append(" ")
      .append(EscapeHelp(help))
      .append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void MetricsText::Labels(MetricLabels labels, std::string_view le) {
  if (labels.size() == 0 && le.empty()) return;
  text_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) text_ += ',';
    first = false;
    text_.append(key)
        .append("=\"")
        .append(EscapeLabelValue(value))
        .append("\"");
  }
  if (!le.empty()) {
    if (!first) text_ += ',';
    text_.append("le=\"").append(le).append("\"");
  }
  text_ += '}';
}

void MetricsText::Sample(std::string_view name, MetricLabels labels,
                         int64_t value) {
  text_.append(name);
  Labels(labels);
  text_.append(" ").append(std::to_string(value)).append("\n");
}

void MetricsText::Sample(std::string_view name, MetricLabels labels,
                         double value) {
  text_.append(name);
  Labels(labels);
  text_.append(" ").append(NumberText(value)).append("\n");
}

void MetricsText::Histogram(std::string_view name, MetricLabels labels,
                            std::span<const double> bounds,
                            std::span<const int64_t> counts, double sum) {
  const std::string bucket = std::string(name) + "_bucket";
  int64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    text_.append(bucket);
    Labels(labels, NumberText(bounds[i]));
    text_.append(" ").append(std::to_string(cumulative)).append("\n");
  }
  if (counts.size() > bounds.size()) cumulative += counts[bounds.size()];
  text_.append(bucket);
  Labels(labels, "+Inf");
  text_.append(" ").append(std::to_string(cumulative)).append("\n");
  Sample(std::string(name) + "_sum", labels, sum);
  Sample(std::string(name) + "_count", labels, cumulative);
}

}  // namespace wikid
