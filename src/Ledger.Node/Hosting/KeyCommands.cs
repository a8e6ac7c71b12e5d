using Ledger.Core.Errors;
using Ledger.Sdk.Keys;

namespace Ledger.Node.Hosting;

/// <summary>
/// <c>ledger-node keys init --file FILE [--password-env VAR] [--kdf light|default|strong]</c> creates a node's encrypted
/// key store (operator key + encryption key) and prints the public parts to register on chain;
/// <c>ledger-node keys show --file FILE</c> prints them again. The password is read from the environment variable
/// (default LEDGER_KEYSTORE_PASSWORD), never from the command line. Exit codes: 0 done, 2 unusable input.
/// </summary>
public static class KeyCommands
{
    /// <summary>True when the arguments are a <c>keys</c> command.</summary>
    public static bool IsKeyCommand(string[] args) => args is ["keys", ..];

    /// <summary>Runs a <c>keys</c> command; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        const string usage = "usage: ledger-node keys init --file FILE [--password-env VAR] [--kdf light|default|strong] | ledger-node keys show --file FILE";
        if (args.Length < 2 || args[1] is not ("init" or "show"))
        {
            error.WriteLine(usage);
            return 2;
        }
        string? file = null;
        var passwordEnv = NodeKeyStore.DefaultPasswordVariable;
        var kdf = KeyStoreKdf.Default;
        for (var i = 2; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--file" when value is not null:
                    file = value;
                    i++;
                    break;
                case "--password-env" when value is not null:
                    passwordEnv = value;
                    i++;
                    break;
                case "--kdf" when value is "light" or "default" or "strong":
                    kdf = value switch { "light" => KeyStoreKdf.Light, "strong" => KeyStoreKdf.Strong, _ => KeyStoreKdf.Default };
                    i++;
                    break;
                default:
                    error.WriteLine($"Unknown or incomplete option '{args[i]}'. {usage}");
                    return 2;
            }
        }
        if (file is null)
        {
            error.WriteLine($"--file is required. {usage}");
            return 2;
        }
        try
        {
            if (args[1] == "init")
            {
                var password = Environment.GetEnvironmentVariable(passwordEnv);
                using var keys = NodeKeyStore.Create(file, password ?? "", kdf);
                Print(output, file, keys.Operator.ToString(), keys.Encryption.PublicKey.ToArray());
            }
            else
            {
                var (account, encryption) = NodeKeyStore.ReadPublic(file);
                Print(output, file, account.ToString(), encryption);
            }
            return 0;
        }
        catch (LedgerException ex)
        {
            error.WriteLine($"{ex.Code}: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"The key store {file} cannot be written: {ex.Message}");
            return 2;
        }
    }

    private static void Print(TextWriter output, string file, string account, byte[] encryptionKey)
    {
        output.WriteLine($"keystore       {Path.GetFullPath(file)}");
        output.WriteLine($"operator       {account}");
        output.WriteLine($"encryption-key 0x{Convert.ToHexStringLower(encryptionKey)}");
    }
}
