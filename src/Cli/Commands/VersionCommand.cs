using System.CommandLine;
using System.Text.Json;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p version`: kubo's `ipfs version` with its flags (--number, --commit, --repo, --all) and, with `--enc json`, its
/// fields (Version, Commit, Repo, System, Golang). `p2p --version` stays System.CommandLine's one-line answer.
/// </summary>
internal sealed class VersionCommand
{
    private readonly Option<bool> _number = new("--number", "-n") { Description = "Print only the version number" };
    private readonly Option<bool> _commit = new("--commit") { Description = "Append the git commit" };
    private readonly Option<bool> _repo = new("--repo") { Description = "Print only the repo version" };
    private readonly Option<bool> _all = new("--all") { Description = "Print everything: version, repo, system and runtime" };

    public static Command Create()
    {
        var version = new VersionCommand();
        var command = new Command("version", "Print p2p's version (kubo's `ipfs version`).\n\nExamples:\n  p2p version\n  p2p version --all\n  p2p version --enc json")
        {
            version._number, version._commit, version._repo, version._all,
        };
        DaemonRoute.SetAction(command, version.OfflineAsync, version.RemoteAsync);
        return command;
    }

    private Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        Print(parse, NodeVersion.Current());
        return Task.FromResult(ExitCodes.Ok);
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("version", null, ct);
        Print(parse, answer.Deserialize<NodeVersion>() ?? throw new CliException("the daemon's version answer is empty"));
        return ExitCodes.Ok;
    }

    private void Print(ParseResult parse, NodeVersion v)
    {
        var output = Output.For(parse);
        if (output.Json)
        {
            output.Write("", v);
            return;
        }
        var full = parse.GetValue(_commit) && v.Commit.Length > 0 ? $"{v.Version}-{v.Commit}" : v.Version;
        if (parse.GetValue(_repo))
            output.Line(v.Repo);
        else if (parse.GetValue(_all))
            output.Line($"p2p version: {(v.Commit.Length > 0 ? $"{v.Version}-{v.Commit}" : v.Version)}\nRepo version: {v.Repo}\nSystem version: {v.System}\nGolang version: {v.Golang}");
        else if (parse.GetValue(_number))
            output.Line(full);
        else
            output.Line($"p2p version {full}");
    }
}
