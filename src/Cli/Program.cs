using P2P.Cli;

return await CliApp.RunAsync(args);
