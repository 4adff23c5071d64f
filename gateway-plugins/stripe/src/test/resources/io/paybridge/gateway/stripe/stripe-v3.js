/*
 * A stand-in for Stripe.js (https://js.stripe.com/v3/), served by StripeApiFake at /v3/ for
 * browser tests. It offers what a simple card form uses, with Stripe.js's names and result shapes:
 *
 *   const stripe = Stripe(publishableKey);
 *   const card = stripe.elements().create('card');
 *   card.mount('#card');
 *   const { setupIntent, error } =
 *       await stripe.confirmCardSetup(clientSecret, { payment_method: { card } });
 *
 * Unlike Stripe's iframe, the card element renders plain inputs into the mount point, so WebDriver
 * can type into them: [data-stripe="number"] (aria-label "Card number"), [data-stripe="exp"]
 * ("MM / YY") and [data-stripe="cvc"]. confirmCardSetup posts the card to the fake that served
 * this script, at /v1/setup_intents/<id>/confirm with the publishable key, as Stripe.js does.
 * Plain ES2017, no dependencies.
 */
(function () {
  'use strict';

  var origin = new URL(document.currentScript.src).origin;

  function input(field, label, placeholder, autocomplete) {
    var el = document.createElement('input');
    el.type = 'text';
    el.name = field === 'number' ? 'cardnumber' : field === 'exp' ? 'exp-date' : 'cvc';
    el.setAttribute('aria-label', label);
    el.setAttribute('data-stripe', field);
    el.placeholder = placeholder;
    el.autocomplete = autocomplete;
    el.inputMode = 'numeric';
    return el;
  }

  function digits(text) {
    return String(text || '').replace(/\D/g, '');
  }

  function createCard() {
    var inputs = null;
    var container = null;
    var handlers = {};

    function values() {
      // "MM / YY" as typed, or its digits alone ("1230"), as Stripe's field formats them
      var text = inputs ? inputs.exp.value : '';
      var exp = text.indexOf('/') >= 0
          ? text.split('/').map(digits) : [digits(text).slice(0, 2), digits(text).slice(2)];
      return {
        number: inputs ? digits(inputs.number.value) : '',
        expMonth: exp[0] || '',
        expYear: exp[1] || '',
        cvc: inputs ? digits(inputs.cvc.value) : ''
      };
    }

    function changed() {
      var v = values();
      var event = {
        elementType: 'card',
        empty: !v.number && !v.expMonth && !v.cvc,
        complete: v.number.length >= 12 && !!v.expMonth && !!v.expYear && v.cvc.length >= 3,
        error: undefined
      };
      (handlers.change || []).forEach(function (handler) { handler(event); });
    }

    var element = {
      mount: function (target) {
        container = typeof target === 'string' ? document.querySelector(target) : target;
        if (!container) {
          throw new Error('Stripe (fake): no element matches ' + target + ' to mount the card into');
        }
        inputs = {
          number: input('number', 'Card number', '1234 1234 1234 1234', 'cc-number'),
          exp: input('exp', 'Expiration date', 'MM / YY', 'cc-exp'),
          cvc: input('cvc', 'CVC', 'CVC', 'cc-csc')
        };
        var wrapper = document.createElement('div');
        wrapper.className = 'StripeElement';
        Object.keys(inputs).forEach(function (key) {
          inputs[key].addEventListener('input', changed);
          wrapper.appendChild(inputs[key]);
        });
        container.appendChild(wrapper);
        (handlers.ready || []).forEach(function (handler) { handler({ elementType: 'card' }); });
      },
      unmount: function () {
        if (container) {
          container.textContent = '';
        }
        container = null;
        inputs = null;
      },
      destroy: function () {
        element.unmount();
      },
      on: function (event, handler) {
        (handlers[event] = handlers[event] || []).push(handler);
        return element;
      },
      update: function () {},
      focus: function () {
        if (inputs) {
          inputs.number.focus();
        }
      },
      clear: function () {
        if (inputs) {
          Object.keys(inputs).forEach(function (key) { inputs[key].value = ''; });
        }
      },
      _fakeCard: function () {
        return inputs ? values() : null;
      }
    };
    return element;
  }

  /** billing_details as form fields: billing_details[name], billing_details[address][city]... */
  function addBilling(form, details) {
    Object.keys(details || {}).forEach(function (key) {
      var value = details[key];
      if (value && typeof value === 'object') {
        Object.keys(value).forEach(function (inner) {
          if (value[inner] != null) {
            form.append('payment_method_data[billing_details][' + key + '][' + inner + ']',
                value[inner]);
          }
        });
      } else if (value != null) {
        form.append('payment_method_data[billing_details][' + key + ']', value);
      }
    });
  }

  window.Stripe = function (publishableKey) {
    if (typeof publishableKey !== 'string' || publishableKey.indexOf('pk_') !== 0) {
      throw new Error('Stripe (fake): call Stripe() with your publishable key (pk_...)');
    }
    return {
      elements: function () {
        return {
          create: function (type) {
            if (type !== 'card') {
              throw new Error('Stripe (fake): only the card element is offered, not ' + type);
            }
            return createCard();
          }
        };
      },
      confirmCardSetup: async function (clientSecret, data) {
        var method = (data && data.payment_method) || {};
        var card = method.card && method.card._fakeCard ? method.card._fakeCard() : null;
        if (!card) {
          return { error: { type: 'validation_error', code: 'incomplete_number',
            message: 'Your card number is incomplete.' } };
        }
        var id = String(clientSecret).split('_secret_')[0];
        var year = card.expYear.length === 2 ? '20' + card.expYear : card.expYear;
        var form = new URLSearchParams();
        form.append('key', publishableKey);
        form.append('client_secret', clientSecret);
        form.append('payment_method_data[type]', 'card');
        form.append('payment_method_data[card][number]', card.number);
        form.append('payment_method_data[card][exp_month]', card.expMonth);
        form.append('payment_method_data[card][exp_year]', year);
        form.append('payment_method_data[card][cvc]', card.cvc);
        addBilling(form, method.billing_details);
        try {
          var response = await fetch(
              origin + '/v1/setup_intents/' + encodeURIComponent(id) + '/confirm', {
                method: 'POST',
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                body: form.toString()
              });
          var body = await response.json();
          return response.ok ? { setupIntent: body } : { error: body.error };
        } catch (e) {
          return { error: { type: 'api_connection_error',
            message: 'We could not reach Stripe. Please check your connection and try again.' } };
        }
      }
    };
  };
})();
