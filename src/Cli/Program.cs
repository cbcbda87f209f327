using P2P.Cli;
using P2P.Cli.Infrastructure;

try
{
    return await CliApp.RunAsync(args);
}
catch (Exception e)
{
    // Every command's action already turns its failures into one line (CommandRunner); this catches the rest
    // (parsing, a bug outside an action) so that no stack trace reaches a terminal unless P2P_DEBUG=1 asks.
    return CommandRunner.Fail(e, CancellationToken.None);
}
