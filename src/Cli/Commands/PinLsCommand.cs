using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>`p2p pin ls`: one `CID TYPE` line per pin, filtered by type.</summary>
internal sealed class PinLsCommand
{
    private readonly Option<string> _type = new("--type", "-t") { Description = "all, recursive or direct", DefaultValueFactory = _ => "all" };

    private PinLsCommand() => _type.AcceptOnlyFromAmong("all", "recursive", "direct");

    public static Command Create()
    {
        var ls = new PinLsCommand();
        var command = new Command("ls", "List pins.\n\nExample:\n  p2p pin ls --type recursive") { ls._type };
        DaemonRoute.SetAction(command, ls.OfflineAsync, ls.RemoteAsync);
        return command;
    }

    private static void Print(Output output, string cid, string? kind) => output.Write($"{cid} {kind}", new { Cid = cid, Type = kind });

    private Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        var output = Output.For(parse);
        var wanted = parse.GetValue(_type);
        foreach (var pin in node.Pins())
        {
            var kind = pin.Kind == PinKind.Recursive ? "recursive" : "direct";
            if (wanted != "all" && wanted != kind)
                continue;
            Print(output, pin.Cid.ToString(), kind);
        }
        return Task.FromResult(ExitCodes.Ok);
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("pin/ls", [new("type", parse.GetValue(_type)!)], ct);
        var output = Output.For(parse);
        foreach (var key in answer.GetProperty("Keys").EnumerateObject())
            Print(output, key.Name, key.Value.GetProperty("Type").GetString());
        return ExitCodes.Ok;
    }
}
