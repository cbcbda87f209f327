using System.CommandLine;
using System.Text.Json;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting.Api;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p pin verify`, as kubo's `ipfs pin verify`: every pinned DAG must be complete in the repo and every block must
/// hash to its CID. Prints `CID broken` and one indented `BADCID: error` line per bad block (`CID ok` lines too with
/// --verbose), or kubo's <c>{Cid, Ok, BadNodes}</c> objects with --enc json; exits 5 when any pin is broken. Through
/// the daemon when one runs, otherwise on the repo directly (<see cref="P2P.Node.Hosting.LocalContent.VerifyPins"/>, as
/// the daemon does); both print the same.
/// </summary>
internal sealed class PinVerifyCommand
{
    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Also print the pins that are sound" };

    public static Command Create()
    {
        var verify = new PinVerifyCommand();
        var command = new Command("verify", "Check that every pinned DAG is complete and every block matches its CID.\n\nExamples:\n  p2p pin verify\n  p2p pin verify --verbose --enc json")
        {
            verify._verbose,
        };
        DaemonRoute.SetAction(command, verify.OfflineAsync, verify.RemoteAsync);
        return command;
    }

    private Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        var report = new Report(Output.For(parse), parse.GetValue(_verbose));
        foreach (var status in node.VerifyPins(ct))
            report.Add(status.Cid.ToString(), status.Ok, status.BadNodes.Select(b => (b.Cid.ToString(), b.Error)), PinVerifyEndpoint.ToJson(status));
        return Task.FromResult(report.Finish());
    }

    /// <summary>The same check by a running daemon's <c>/api/v0/pin/verify</c>.</summary>
    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var verbose = parse.GetValue(_verbose);
        var report = new Report(Output.For(parse), verbose);
        await foreach (var line in daemon.PostLinesAsync("pin/verify", [new("verbose", verbose ? "true" : "false")], ct))
        {
            var bad = line.TryGetProperty("BadNodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array
                ? nodes.EnumerateArray().Select(n => (n.GetProperty("Cid").GetString() ?? "", n.GetProperty("Err").GetString() ?? "")).ToList()
                : [];
            report.Add(line.GetProperty("Cid").GetString() ?? "", line.GetProperty("Ok").GetBoolean(), bad, line);
        }
        return report.Finish();
    }

    /// <summary>Prints each pin's status as it comes and counts the broken ones for the exit code.</summary>
    private sealed class Report(Output output, bool verbose)
    {
        private int _broken;

        public void Add(string cid, bool ok, IEnumerable<(string Cid, string Error)> badNodes, object json)
        {
            if (ok)
            {
                if (verbose)
                    output.Write($"{cid} ok", json);
                return;
            }
            _broken++;
            var text = new System.Text.StringBuilder($"{cid} broken");
            foreach (var (bad, error) in badNodes)
                text.Append($"\n  {bad}: {error}");
            output.Write(text.ToString(), json);
        }

        public int Finish()
        {
            if (_broken == 0)
                return ExitCodes.Ok;
            Console.Error.WriteLine($"Error: {_broken} pin{(_broken == 1 ? " is" : "s are")} broken");
            return ExitCodes.Corrupt;
        }
    }
}
