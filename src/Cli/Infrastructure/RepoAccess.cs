using System.CommandLine;
using P2P.Node.Storage;

namespace P2P.Cli.Infrastructure;

/// <summary>Finds and opens the repo a command works on, turning repo problems into exit code 3.</summary>
internal static class RepoAccess
{
    /// <summary>`--repo`, else $P2P_PATH, else ~/.p2p.</summary>
    public static string PathFor(ParseResult parse) => Repo.ResolvePath(parse.GetValue(GlobalOptions.Repo));
}
