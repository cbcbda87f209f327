using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Security;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>`p2p init`: creates a repo with a fresh Ed25519 identity.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var command = new Command("init", "Create a repo with a new identity.\n\nExample:\n  P2P_PATH=/tmp/node1 p2p init");
        CommandRunner.SetAction(command, (parse, _) =>
        {
            var path = RepoAccess.PathFor(parse);
            try
            {
                string peerId;
                using (var repo = Repo.Init(path))
                using (var identity = NodeIdentity.FromPrivateKey(repo.ReadIdentityKey()))
                    peerId = identity.PeerId.ToString();
                Output.For(parse).Write(
                    $"initialized p2p repo at {path}\npeer identity: {peerId}",
                    new { Path = path, ID = peerId });
            }
            catch (RepoException ex)
            {
                throw new CliException(ex.Message, ExitCodes.Repo);
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
