using System.CommandLine;

namespace P2P.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Repo = new("--repo")
    {
        Description = "Path of the repo (default: $P2P_PATH, else ~/.p2p)",
        Recursive = true,
    };

    public static readonly Option<string> Encoding = CreateEncoding();

    /// <summary>kubo's global --timeout: a command that works on content stops after it (default: no limit).</summary>
    public static readonly Option<string?> Timeout = new("--timeout")
    {
        Description = "Stop the command after this long, e.g. 30s or 2m (default: no limit); fetched blocks are kept",
        Recursive = true,
    };

    private static Option<string> CreateEncoding()
    {
        var option = new Option<string>("--enc")
        {
            Description = "Output encoding: text or json (one JSON object per line)",
            DefaultValueFactory = _ => "text",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }
}
