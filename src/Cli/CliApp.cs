using System.CommandLine;

namespace P2P.Cli;

/// <summary>Builds the command tree and runs it. Each command lives in its own file under Commands/.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("p2p: a content-addressed peer-to-peer chunk network");
        return await root.Parse(args).InvokeAsync();
    }
}
