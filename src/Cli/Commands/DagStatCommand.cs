using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p dag stat ROOT...`: kubo's `ipfs dag stat` (<see cref="DagStats"/>): per root its blocks and bytes, then the
/// summary, in kubo's text; `--enc json` prints kubo's DagStatSummary object.
/// </summary>
internal sealed class DagStatCommand
{
    private readonly Argument<string[]> _roots = new("root") { Description = "CID of a DAG root", Arity = ArgumentArity.OneOrMore };
    private readonly Option<bool> _progress = new("--progress", "-p") { Description = "Accepted for kubo's scripts; p2p prints the summary only" };

    public static Command Create()
    {
        var stat = new DagStatCommand();
        var command = new Command("stat", "Count a DAG's blocks and bytes.\n\nExample:\n  p2p dag stat bafybei...") { stat._roots, stat._progress };
        DaemonRoute.SetAction(command, stat.OfflineAsync, stat.RemoteAsync);
        return command;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var paths = parse.GetValue(_roots)!;
        foreach (var path in paths)
            PathArgument.Validate(path);
        using var node = NodeAccess.Open(parse);
        var roots = new List<P2P.Node.Multiformats.Cid>();
        foreach (var path in paths)
            roots.Add(await node.Exporter.ResolveAsync(path, ct));
        var stats = await DagStats.ComputeAsync(roots, node.Getter, ct);
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(stats.KuboSummary()));
        Print(parse, document.RootElement);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var paths = parse.GetValue(_roots)!;
        foreach (var path in paths)
            PathArgument.Validate(path);
        Print(parse, await daemon.PostJsonAsync("dag/stat", paths.Select(p => new KeyValuePair<string, string>("arg", p)), ct));
        return ExitCodes.Ok;
    }

    /// <summary>kubo's text: a tab-separated table of the roots, then the summary with sizes in SI units.</summary>
    private static void Print(ParseResult parse, JsonElement summary)
    {
        var output = Output.For(parse);
        if (output.Json)
        {
            output.Write("", summary);
            return;
        }
        var roots = summary.GetProperty("DagStats").EnumerateArray().ToList();
        var width = roots.Count > 0 ? roots[0].GetProperty("Cid").GetString()!.Length : 3;
        var text = new StringBuilder();
        text.Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"{"CID".PadRight(width)}\t{"Blocks",-15}\tSize\n");
        foreach (var root in roots)
            text.Append(CultureInfo.InvariantCulture, $"{root.GetProperty("Cid").GetString()}\t{Number(root, "NumBlocks"),-15}\t{Number(root, "Size")}\n");
        var total = Number(summary, "TotalSize");
        var shared = Number(summary, "SharedSize");
        var ratio = summary.TryGetProperty("Ratio", out var r) ? r.GetDouble() : 0;
        text.Append("\nSummary\n");
        text.Append(CultureInfo.InvariantCulture, $"Total Size: {total} ({SiBytes(total)})\nUnique Blocks: {Number(summary, "UniqueBlocks")}\n");
        text.Append(CultureInfo.InvariantCulture, $"Shared Size: {shared} ({SiBytes(shared)})\nRatio: {ratio:F6}\n\n");
        output.Line(text.ToString());
    }

    private static ulong Number(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetUInt64() : 0;

    /// <summary>Sizes as kubo's humanize.Bytes prints them: powers of 1000, one decimal below 10.</summary>
    internal static string SiBytes(ulong bytes)
    {
        if (bytes < 10)
            return $"{bytes} B";
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        var exponent = Math.Min((int)Math.Floor(Math.Log(bytes) / Math.Log(1000)), units.Length - 1);
        var value = Math.Floor(bytes / Math.Pow(1000, exponent) * 10 + 0.5) / 10;
        return value < 10
            ? string.Format(CultureInfo.InvariantCulture, "{0:F1} {1}", value, units[exponent])
            : string.Format(CultureInfo.InvariantCulture, "{0:F0} {1}", value, units[exponent]);
    }
}
