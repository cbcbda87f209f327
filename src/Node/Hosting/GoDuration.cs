using System.Globalization;
using System.Text.RegularExpressions;

namespace P2P.Node.Hosting;

/// <summary>
/// Durations as kubo writes them (Go's <c>time.ParseDuration</c>: <c>500ms</c>, <c>30s</c>, <c>1m30s</c>, <c>2h</c>), for
/// the global <c>--timeout</c> option and the API's <c>timeout</c> parameter. A bare number means seconds.
/// </summary>
public static partial class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            value = TimeSpan.FromSeconds(seconds);
            return seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds / 2;
        }
        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
            return false;
        double total = 0;
        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch { "h" => n * 3600, "m" => n * 60, "s" => n, "ms" => n / 1000, "us" or "µs" => n / 1e6, _ => n / 1e9 };
        }
        if (total <= 0 || total > TimeSpan.MaxValue.TotalSeconds / 2)
            return false;
        value = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>The shortest Go form of <paramref name="value"/>, e.g. <c>90s</c> or <c>1500ms</c>.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalMilliseconds}ms");

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)")]
    private static partial Regex Part();
}
