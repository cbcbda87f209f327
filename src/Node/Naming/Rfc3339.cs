using System.Globalization;
using System.Text.RegularExpressions;

namespace P2P.Node.Naming;

/// <summary>
/// The IPNS <c>Validity</c> timestamp (IPNS spec, "Validity"): RFC 3339 with up to nanosecond precision, e.g.
/// <c>2026-12-09T23:00:00.123456789Z</c>. Written as Go's RFC3339Nano writes it (kubo's records): UTC, the
/// fraction's trailing zeros dropped and no fraction at all for a whole second. .NET times hold 100 ns ticks, so
/// the two last digits of a nanosecond fraction are kept apart (<c>subTickNanoseconds</c>) for exact comparisons.
/// </summary>
public static partial class Rfc3339
{
    public static string Format(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var nanoseconds = utc.Ticks % TimeSpan.TicksPerSecond * 100;
        if (nanoseconds != 0)
            text += "." + nanoseconds.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return text + "Z";
    }

    /// <summary>Parses an RFC 3339 timestamp with 0 to 9 fraction digits and a Z or ±hh:mm offset.</summary>
    public static bool TryParse(string text, out DateTimeOffset time, out int subTickNanoseconds)
    {
        time = default;
        subTickNanoseconds = 0;
        var match = Pattern().Match(text);
        if (!match.Success)
            return false;
        int Part(int group) => int.Parse(match.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var fraction = match.Groups[7].Success ? match.Groups[7].Value.PadRight(9, '0') : "000000000";
        var nanoseconds = int.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        var offset = TimeSpan.Zero;
        if (match.Groups[9].Success)
        {
            offset = new TimeSpan(Part(10), Part(11), 0);
            if (match.Groups[9].Value == "-")
                offset = -offset;
            if (offset.Duration() >= TimeSpan.FromHours(24))
                return false;
        }
        try
        {
            time = new DateTimeOffset(Part(1), Part(2), Part(3), Part(4), Part(5), Part(6), offset)
                .AddTicks(nanoseconds / 100)
                .ToUniversalTime();
        }
        catch (ArgumentOutOfRangeException)
        {
            // Month 13, February 30th, a year 0 or an offset that leaves the representable range.
            return false;
        }
        subTickNanoseconds = nanoseconds % 100;
        return true;
    }

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|(([+-])(\d{2}):(\d{2})))$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
