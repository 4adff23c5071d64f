// The members' card form: Stripe's card element, confirmed in the browser, then back to Paybridge,
// which asks Stripe how the setup ended. Plain ES2017, no inline script (CSP).
const form = document.getElementById('card-form');
const stripe = Stripe(form.dataset.publishableKey);
const card = stripe.elements().create('card');
card.mount('#card-element');
const button = form.querySelector('button[type="submit"]');
const errors = document.getElementById('card-errors');
form.addEventListener('submit', async e => {
  e.preventDefault();
  button.disabled = true;
  errors.textContent = '';
  const {setupIntent, error} = await stripe.confirmCardSetup(form.dataset.clientSecret, {
    payment_method: {card}
  });
  if (error) {
    errors.textContent = error.message;
    button.disabled = false;
  } else {
    location.assign(form.dataset.returnUrl + '?setup_intent=' + encodeURIComponent(setupIntent.id));
  }
});
