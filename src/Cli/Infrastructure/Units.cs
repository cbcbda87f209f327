using System.Globalization;

namespace P2P.Cli.Infrastructure;

/// <summary>Human-readable sizes for terminal output (binary units, as kubo prints them).</summary>
internal static class Units
{
    private static readonly string[] Suffixes = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Bytes(long bytes)
    {
        double value = bytes;
        var i = 0;
        while (value >= 1024 && i < Suffixes.Length - 1)
        {
            value /= 1024;
            i++;
        }
        return i == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Suffixes[i]}");
    }
}
