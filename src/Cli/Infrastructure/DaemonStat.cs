using System.CommandLine;
using System.Text.Json;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Runs a status command that only a daemon can answer: asks its API once, prints the answer unchanged with
/// `--enc json`, otherwise hands it to the command's text printer (a <see cref="StatTable"/> and what follows it).
/// </summary>
internal static class DaemonStat
{
    public static async Task<int> RunAsync(ParseResult parse, string apiPath, Action<JsonElement, Output> printText, CancellationToken ct)
    {
        using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
        var answer = await daemon.PostJsonAsync(apiPath, null, ct);
        var output = Output.For(parse);
        if (output.Json)
            output.Write("", answer);
        else
            printText(answer, output);
        return ExitCodes.Ok;
    }
}
