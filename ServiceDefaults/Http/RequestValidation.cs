using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TrustedOss.ServiceDefaults.Http;

/// <summary>A request body that states its own rules; <see cref="RequestValidation"/> applies them before the handler runs.</summary>
public interface IValidatableRequest
{
    void Validate(ValidationErrors errors);
}

/// <summary>The bad fields of one request, by their JSON names, for the contract's 422.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, string[]> errors = [];

    public bool Any => errors.Count > 0;

    /// <summary>Records <paramref name="message"/> for <paramref name="field"/> unless <paramref name="valid"/>.</summary>
    public ValidationErrors Check(bool valid, string field, string message)
    {
        if (!valid)
        {
            errors[field] = [.. errors.GetValueOrDefault(field, []), message];
        }

        return this;
    }

    public ApiProblem ToProblem() => ApiProblems.Validation(errors);
}

public static class RequestValidation
{
    /// <summary>Every <see cref="IValidatableRequest"/> argument of these endpoints is checked first; any bad field is a 422 naming it.</summary>
    public static TBuilder ValidateRequests<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var errors = new ValidationErrors();
            foreach (var request in context.Arguments.OfType<IValidatableRequest>())
            {
                request.Validate(errors);
            }

            return errors.Any ? errors.ToProblem() : await next(context);
        });
}
