using System.CommandLine;
using P2P.Node.Hosting;
using P2P.Node.Storage;

namespace P2P.Cli.Infrastructure;

/// <summary>Opens the node a command works with; repo problems become exit code 3 with the repo's own message.</summary>
internal static class NodeAccess
{
    public static LocalNode Open(ParseResult parse)
    {
        try
        {
            return LocalNode.Open(RepoAccess.PathFor(parse));
        }
        catch (RepoException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Repo);
        }
    }
}
