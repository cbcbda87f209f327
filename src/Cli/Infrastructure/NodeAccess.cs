using System.CommandLine;
using P2P.Node.Hosting;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Opens the node a command works with; repo problems become exit code 3 with the repo's own message, and a pin
/// set recovered from its backup, or pack bytes found lost at this open, are said on stderr.
/// </summary>
internal static class NodeAccess
{
    public static LocalContent Open(ParseResult parse)
    {
        try
        {
            var node = LocalContent.Open(RepoAccess.PathFor(parse));
            if (node.Repo.Pins.Recovery is { } recovered)
                Console.Error.WriteLine($"Warning: {recovered}");
            if (node.Repo.Blocks is PackBlockStore pack)
            {
                foreach (var loss in pack.LossWarnings)
                    Console.Error.WriteLine($"Warning: {loss}");
            }
            return node;
        }
        catch (RepoException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Repo);
        }
    }
}
