using System.Globalization;
using System.Text;

namespace P2P.Node.Hosting.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): a <c># HELP</c> and <c># TYPE</c> line per metric
/// family, then one sample per line. Numbers use the invariant culture; histogram buckets are cumulative and end
/// with <c>le="+Inf"</c>, followed by <c>_sum</c> and <c>_count</c>, as the format requires.
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public PrometheusText Counter(string name, string help, double value) => Family(name, help, "counter").Sample(name, value);

    public PrometheusText Gauge(string name, string help, double value) => Family(name, help, "gauge").Sample(name, value);

    public PrometheusText Histogram(string name, string help, LatencyHistogram histogram)
    {
        Family(name, help, "histogram");
        var cumulative = histogram.CumulativeCounts();
        // Read the total after the buckets, so +Inf is never below the last bucket while observations arrive.
        var count = Math.Max(histogram.Count, cumulative.Length > 0 ? cumulative[^1] : 0);
        for (var i = 0; i < cumulative.Length; i++)
            _text.Append(name).Append("_bucket{le=\"").Append(Number(histogram.Bounds[i])).Append("\"} ").Append(Number(cumulative[i])).Append('\n');
        _text.Append(name).Append("_bucket{le=\"+Inf\"} ").Append(Number(count)).Append('\n');
        _text.Append(name).Append("_sum ").Append(Number(histogram.SumSeconds)).Append('\n');
        _text.Append(name).Append("_count ").Append(Number(count)).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    private PrometheusText Family(string name, string help, string type)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    private PrometheusText Sample(string name, double value)
    {
        _text.Append(name).Append(' ').Append(Number(value)).Append('\n');
        return this;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
